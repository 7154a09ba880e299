package tandem.engine.gguf.synth;

import java.util.List;
import java.util.Locale;
import tandem.engine.runtime.TandemException;

/**
 * The shape of a synthetic llama-family model. Real presets copy published configurations, so
 * a synthetic file has exactly the real model's tensor names, shapes and byte size.
 *
 * @param vocab expected vocabulary size; 0 means "whatever the tokenizer has"
 */
public record SynthPreset(String name, String displayName, int layers, int dim, int heads, int kvHeads, int ffn,
                          int vocab, int contextLength, float ropeTheta, float rmsEps) {

    /** Small enough for unit tests; head dim 64, every width a multiple of 256 so k-quants apply. */
    public static final SynthPreset TINY = new SynthPreset("tiny", "Tiny Llama", 2, 256, 4, 2, 768, 0, 2048, 10000f, 1e-5f);
    /** Meta Llama 3 8B (config.json of Meta-Llama-3-8B). */
    public static final SynthPreset LLAMA3_8B = new SynthPreset("8b", "Llama-3-8B", 32, 4096, 32, 8, 14336, 128256, 8192, 500000f, 1e-5f);
    /** Meta Llama 3 70B. */
    public static final SynthPreset LLAMA3_70B = new SynthPreset("70b", "Llama-3-70B", 80, 8192, 64, 8, 28672, 128256, 8192, 500000f, 1e-5f);

    public static final List<SynthPreset> ALL = List.of(TINY, LLAMA3_8B, LLAMA3_70B);

    public int headDim() { return dim / heads; }

    public int kvDim() { return kvHeads * headDim(); }

    public static SynthPreset byName(String name) {
        for (SynthPreset p : ALL) {
            if (p.name.equals(name.toLowerCase(Locale.ROOT))) return p;
        }
        throw new TandemException("unknown preset '" + name + "'; choose one of tiny, 8b, 70b");
    }
}
