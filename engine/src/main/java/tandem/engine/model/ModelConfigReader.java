package tandem.engine.model;

import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.GgufMetadata;
import tandem.engine.api.TandemException;

/**
 * Reads a {@link ModelConfig} from GGUF metadata. The architecture comes from
 * {@code general.architecture}, never from the model's name; every key is read under that
 * architecture's prefix, and a missing or malformed key is an error naming the file and the key.
 */
public final class ModelConfigReader {
    private ModelConfigReader() {}

    /** llama.cpp's default when {@code rope.freq_base} is absent. */
    private static final float DEFAULT_ROPE_THETA = 10000f;

    public static ModelConfig read(GgufFile file) {
        GgufMetadata m = file.metadata();
        Architecture arch = Architecture.forName(m.getString("general.architecture"));
        refuseUnsupportedFeatures(file, m, arch);
        int dim = m.getInt(arch.key("embedding_length"));
        int heads = m.getInt(arch.key("attention.head_count"));
        int kvHeads = m.optInt(arch.key("attention.head_count_kv")).orElse(heads);
        if (heads <= 0) throw invalid(file, arch.key("attention.head_count") + " is " + heads);
        int headDim = m.optInt(arch.key("attention.key_length")).orElse(dim / heads);
        int valueDim = m.optInt(arch.key("attention.value_length")).orElse(headDim);
        if (valueDim != headDim) {
            throw invalid(file, arch.key("attention.value_length") + " " + valueDim + " differs from key_length "
                    + headDim + ", which Tandem does not support");
        }
        ShapeChecker.requireRank(file, TensorNames.TOKEN_EMBEDDING, 2);
        long vocab = file.requireTensor(TensorNames.TOKEN_EMBEDDING).dims()[1];
        int ropeDim = m.optInt(arch.key("rope.dimension_count")).orElse(headDim);
        float ropeTheta = m.optFloat(arch.key("rope.freq_base")).orElse(DEFAULT_ROPE_THETA);
        try {
            return new ModelConfig(arch, dim,
                    m.getInt(arch.key("block_count")),
                    heads, kvHeads, headDim, ropeDim,
                    m.getInt(arch.key("feed_forward_length")),
                    Math.toIntExact(vocab),
                    m.getFloat(arch.key("attention.layer_norm_rms_epsilon")),
                    ropeTheta,
                    m.getInt(arch.key("context_length")),
                    file.tensor(TensorNames.OUTPUT).isEmpty(),
                    ExtrasReader.read(file, arch, dim, heads, headDim, ropeDim, ropeTheta), experts(m, arch));
        } catch (IllegalArgumentException e) {
            throw invalid(file, e.getMessage());
        }
    }

    private static ExpertConfig experts(GgufMetadata m, Architecture arch) {
        if (!arch.experts().isMixture()) return null;
        return new ExpertConfig(m.getInt(arch.key("expert_count")), m.getInt(arch.key("expert_used_count")),
                m.getInt(arch.key("expert_feed_forward_length")));
    }

    /**
     * Variants that share an architecture name but need math the forward pass does not have:
     * refusing them beats generating garbage.
     */
    private static void refuseUnsupportedFeatures(GgufFile file, GgufMetadata m, Architecture arch) {
        int experts = m.optInt(arch.key("expert_count")).orElse(0);
        if (experts > 0 && !arch.experts().isMixture()) {
            throw new TandemException(file.path() + ": mixture-of-experts " + arch.name() + " (" + arch.key("expert_count")
                    + " = " + experts + ") is not supported; Tandem runs the mixtures qwen3moe and gpt-oss");
        }
        String scaling = m.optString(arch.key("rope.scaling.type")).orElse("none");
        boolean yarn = scaling.equals("yarn") && arch == Architecture.GPT_OSS;
        if (!scaling.equals("none") && !scaling.equals("linear") && !yarn) {
            throw new TandemException(file.path() + ": RoPE scaling '" + scaling + "' (" + arch.key("rope.scaling.type")
                    + ") is not supported yet");
        }
    }

    private static TandemException invalid(GgufFile file, String problem) {
        return new TandemException(file.path() + ": invalid model: " + problem);
    }
}
