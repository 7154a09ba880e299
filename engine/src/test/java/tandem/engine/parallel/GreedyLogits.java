package tandem.engine.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.provider.Arguments;

import tandem.engine.cpu.ReferenceCase;
import tandem.engine.api.Backend;
import tandem.engine.Engine;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadProgress;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.Session;
import tandem.engine.api.SplitMode;

/**
 * A model's logits on one Vulkan device for a prompt and then for greedy decode steps, each fed
 * the token chosen from the step before, and the check that a split run gives the same: equal
 * argmax at every step is the same greedy continuation.
 *
 * @param logits the prompt's last-position logits, then one row per decode step
 */
record GreedyLogits(int[] prompt, int[] continuation, List<float[]> logits) {
    /** The bar for a split against one device (summation order differs, nothing else). */
    static final double MIN_COSINE = 0.9999;

    /**
     * The splits every architecture is checked under, per architecture: tensor over 2 devices even
     * and 3:1 and over 3 at 1:2:1, layer over 2 at 1:3 and over 3 at 1:2:1 (arch, mode, devices, shares).
     */
    static List<Arguments> standardSplits(List<String> archs) {
        SplitMode t = SplitMode.TENSOR, l = SplitMode.LAYER;
        List<Arguments> cases = new ArrayList<>();
        for (String arch : archs) {
            cases.add(Arguments.of(arch, t, List.of(0, 0), List.of()));
            cases.add(Arguments.of(arch, t, List.of(0, 0), List.of(3.0, 1.0)));
            cases.add(Arguments.of(arch, t, List.of(0, 0, 0), List.of(1.0, 2.0, 1.0)));
            cases.add(Arguments.of(arch, l, List.of(0, 0), List.of(1.0, 3.0)));
            cases.add(Arguments.of(arch, l, List.of(0, 0, 0), List.of(1.0, 2.0, 1.0)));
        }
        return cases;
    }

    static EngineOptions vulkan(List<Integer> devices, List<Double> split, SplitMode mode, int ctx) {
        return new EngineOptions(Backend.VULKAN, devices, split, mode, ctx);
    }

    static GreedyLogits oneDevice(Path model, String prompt, int steps, int ctx) {
        List<float[]> logits = new ArrayList<>();
        int[] continuation = new int[steps];
        try (LoadedModel m = Engine.load(model, vulkan(List.of(0), List.of(), SplitMode.NONE, ctx), LoadProgress.NONE, () -> false);
             Session s = m.newSession()) {
            int[] tokens = m.tokenizer().encode(prompt, true, false);
            logits.add(s.evaluate(tokens));
            for (int i = 0; i < steps; i++) {
                continuation[i] = argmax(logits.getLast());
                logits.add(s.evaluate(new int[] {continuation[i]}));
            }
            return new GreedyLogits(tokens, continuation, logits);
        }
    }

    /**
     * {@link #oneDevice}, checked first against the CPU engine on the same prompt (cosine at least
     * {@link #MIN_COSINE}) and long enough for the batched prompt kernels.
     */
    static GreedyLogits oneDeviceCheckedOnCpu(Path model, String prompt, int steps, int ctx) {
        GreedyLogits one = oneDevice(model, prompt, steps, ctx);
        assertTrue(one.prompt().length >= tandem.engine.vulkan.GpuOps.MATMUL_MIN_TOKENS,
                "the prompt must take the batched kernels: " + one.prompt().length);
        try (LoadedModel m = Engine.load(model, new EngineOptions(Backend.CPU, List.of(), List.of(), SplitMode.NONE, ctx),
                LoadProgress.NONE, () -> false); Session s = m.newSession()) {
            double cosine = ReferenceCase.cosine(s.evaluate(one.prompt()), one.logits().getFirst());
            assertTrue(cosine >= MIN_COSINE, model.getFileName() + " one Vulkan device against the CPU: cosine " + cosine);
        }
        return one;
    }

    /** The same prompt and continuation fed to the model loaded with {@code options}. */
    List<float[]> replay(Path model, EngineOptions options) {
        List<float[]> out = new ArrayList<>();
        try (LoadedModel m = Engine.load(model, options, LoadProgress.NONE, () -> false); Session s = m.newSession()) {
            out.add(s.evaluate(prompt));
            for (int t : continuation) out.add(s.evaluate(new int[] {t}));
        }
        return out;
    }

    /** Cosine >= {@link #MIN_COSINE} and the same argmax at every step; failures name the case and step. */
    void assertMatchedBy(String name, List<float[]> other) {
        assertEquals(logits.size(), other.size(), name + ": steps");
        for (int step = 0; step < logits.size(); step++) {
            double cosine = ReferenceCase.cosine(logits.get(step), other.get(step));
            assertTrue(cosine >= MIN_COSINE, name + " step " + step + ": cosine " + cosine);
            assertEquals(argmax(logits.get(step)), argmax(other.get(step)), name + " step " + step + ": argmax");
        }
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}
