package tandem.engine.runtime;

import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import tandem.engine.api.SamplingParams;

/**
 * The sampler's time per token over a 128K vocabulary (Llama 3's), which a generation spends
 * between two decode steps with the GPU idle: each filter setting over nearly flat logits (the
 * hard case: many tokens near the best) and over peaked ones (a trained model's usual shape).
 * Run as the README's "Host-side benchmarks" says; not a test.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class SamplerBenchmark {
    /**
     * The filters: llama.cpp's defaults (top-k 40, top-p 0.95, min-p 0.05, temperature 0.8), top-k off with min-p,
     * top-p alone, temperature alone, greedy.
     */
    @Param({"defaults", "min-p", "top-p", "temperature", "greedy"})
    public String filters;

    /** Standard deviation of the random logits: 3 nearly flat, 12 peaked. */
    @Param({"3", "12"})
    public double spread;

    private float[] logits;
    private Sampler sampler;
    private final int[] history = new int[64];

    @Setup
    public void setUp() {
        Random r = new Random(1);
        logits = new float[128256];
        for (int i = 0; i < logits.length; i++) logits[i] = (float) (r.nextGaussian() * spread);
        float[] f = switch (filters) { // top-k, top-p, min-p, temperature
            case "defaults" -> new float[] {40, 0.95f, 0.05f, 0.8f};
            case "min-p" -> new float[] {0, 0.95f, 0.05f, 0.8f};
            case "top-p" -> new float[] {0, 0.95f, 0, 0.8f};
            case "temperature" -> new float[] {0, 1, 0, 0.8f};
            case "greedy" -> new float[] {0, 1, 0, 0};
            default -> throw new IllegalArgumentException("filters " + filters);
        };
        sampler = new Sampler(new SamplingParams(f[3], (int) f[0], f[1], f[2], 1f, 64, 7, 1 << 20, List.of()));
    }

    @Benchmark
    public int sample() {
        return sampler.sample(logits, history, history.length);
    }
}
