package tandem.engine.model;

import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.GgufMetadata;
import tandem.engine.gguf.GgufValue;
import tandem.engine.gguf.GgufValueType;
import tandem.engine.api.TandemException;

/**
 * Reads {@link ModelExtras} from GGUF metadata as llama.cpp's loader does for each architecture:
 * which keys it reads, and its defaults where a key is absent.
 */
final class ExtrasReader {
    private ExtrasReader() {}

    /** llama.cpp's Gemma 3 default: five sliding-window layers, then one global (il % 6 < 5 slides). */
    private static final int GEMMA3_SLIDING_PATTERN = 6;
    /** llama.cpp's Gemma 3 default RoPE base of the sliding-window layers. */
    private static final float GEMMA3_SLIDING_ROPE_THETA = 10000f;
    /** Gemma 3 27B (62 layers, llama.cpp's LLM_TYPE_27B) scales queries by 1/sqrt(dim / heads), not 1/sqrt(head dim). */
    private static final int GEMMA3_27B_LAYERS = 62;
    /** llama.cpp's gpt-oss pattern: even layers windowed, odd ones global. */
    private static final int GPT_OSS_SLIDING_PATTERN = 2;
    /** llama.cpp's YaRN defaults; its gpt-oss loader reads no beta keys, so neither do we. */
    private static final float YARN_BETA_FAST = 32f;
    private static final float YARN_BETA_SLOW = 1f;

    static ModelExtras read(GgufFile file, Architecture arch, int dim, int heads, int headDim, int ropeDim, float ropeTheta) {
        GgufMetadata m = file.metadata();
        int layers = m.getInt(arch.key("block_count"));
        BlockStyle block = arch.block();
        float embeddingScale = block.scaledEmbedding() ? (float) Math.sqrt(dim) : 1f;
        double scaleDim = arch == Architecture.GEMMA3 && layers == GEMMA3_27B_LAYERS ? (double) dim / heads : headDim;
        float ropeScale = 1f;
        if (m.optString(arch.key("rope.scaling.type")).orElse("none").equals("linear")) {
            float factor = m.optFloat(arch.key("rope.scaling.factor")).orElse(1f);
            if (!(factor > 0)) throw invalid(file, arch.key("rope.scaling.factor") + " is " + factor);
            ropeScale = 1f / factor;
        }
        float attnFactor = m.optFloat(arch.key("rope.scaling.attn_factor")).orElse(1f);
        int originalContext = m.optInt(arch.key("rope.scaling.original_context_length")).orElse(0);
        int window = 0;
        boolean[] sliding = new boolean[Math.max(layers, 0)];
        float slidingTheta = 0f;
        if (block.slidingWindow()) {
            window = m.optInt(arch.key("attention.sliding_window")).orElse(0);
            if (window < 0) throw invalid(file, arch.key("attention.sliding_window") + " is " + window);
            if (window > 0) sliding = slidingLayers(file, arch, layers);
            // Gemma 3's windowed layers have their own base; elsewhere (gpt-oss) they share the model's
            slidingTheta = m.optFloat(arch.key("rope.freq_base_swa"))
                    .orElse(arch == Architecture.GEMMA3 ? GEMMA3_SLIDING_ROPE_THETA : ropeTheta);
        }
        float softcap = m.optFloat(arch.key("final_logit_softcapping")).orElse(0f);
        return new ModelExtras(embeddingScale, (float) (1.0 / Math.sqrt(scaleDim)), ropeScale, attnFactor, originalContext,
                window, sliding, slidingTheta, softcap, yarn(m, arch, ropeDim, ropeTheta));
    }

    /**
     * The key is either a period P (layer il slides when il % P < P - 1, so the last of every P
     * layers is global; P = 0 makes every layer slide) or one boolean per layer.
     */
    private static boolean[] slidingLayers(GgufFile file, Architecture arch, int layers) {
        String key = arch.key("attention.sliding_window_pattern");
        boolean[] out = new boolean[layers];
        GgufValue v = file.metadata().find(key).orElse(null);
        if (v != null && v.type() == GgufValueType.ARRAY) {
            if (v.arrayLength() != layers) {
                throw invalid(file, key + " has " + v.arrayLength() + " entries for " + layers + " layers");
            }
            if (v.elementType() == GgufValueType.BOOL) return ((boolean[]) v.value()).clone();
            int[] flags = file.metadata().getIntArray(key);
            for (int l = 0; l < layers; l++) out[l] = flags[l] != 0;
            return out;
        }
        int defaultPeriod = arch == Architecture.GPT_OSS ? GPT_OSS_SLIDING_PATTERN : GEMMA3_SLIDING_PATTERN;
        int period = v == null ? defaultPeriod : file.metadata().getInt(key);
        if (period < 0) throw invalid(file, key + " is " + period);
        for (int l = 0; l < layers; l++) out[l] = period == 0 || l % period < period - 1;
        return out;
    }

    private static RopeScaling yarn(GgufMetadata m, Architecture arch, int ropeDim, float ropeTheta) {
        if (!m.optString(arch.key("rope.scaling.type")).orElse("none").equals("yarn")) return null;
        return RopeScaling.yarn(m.getFloat(arch.key("rope.scaling.factor")),
                m.optInt(arch.key("rope.scaling.original_context_length")).orElse(m.getInt(arch.key("context_length"))),
                YARN_BETA_FAST, YARN_BETA_SLOW, ropeDim, ropeTheta);
    }

    private static TandemException invalid(GgufFile file, String problem) {
        return new TandemException(file.path() + ": invalid model: " + problem);
    }
}
