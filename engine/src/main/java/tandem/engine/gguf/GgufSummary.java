package tandem.engine.gguf;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import tandem.engine.api.ModelInfo;
import tandem.engine.tensor.GgmlType;

/**
 * What a GGUF file says about itself, read leniently from any file (any architecture, vocab-only
 * files too): hyper-parameters under the {@code general.architecture} prefix, tokenizer, tensor
 * totals. What {@code tandem inspect} prints and what {@code Engine.inspect} returns (via
 * {@link #toModelInfo()}). Loading a model validates strictly elsewhere (model package).
 * Absent integers are 0, absent floats NaN, absent strings empty.
 */
public record GgufSummary(Path path, long fileBytes, int version, long alignment, String name, String architecture,
                          int layers, int embeddingLength, int feedForwardLength, int heads, int kvHeads, int headDim,
                          int contextLength, int vocabSize, float ropeFreqBase, float rmsEpsilon, int fileType,
                          String tokenizerModel, String tokenizerPre, int tokenCount, boolean hasChatTemplate,
                          long parameterCount, long tensorBytes, Map<GgmlType, Long> bytesByType, List<TensorInfo> tensors) {

    public GgufSummary {
        bytesByType = Map.copyOf(bytesByType);
        tensors = List.copyOf(tensors);
    }

    /** Opens, summarises and closes a file. */
    public static GgufSummary read(Path path) {
        try (GgufFile f = GgufFile.open(path)) {
            return of(f);
        }
    }

    public static GgufSummary of(GgufFile f) {
        GgufMetadata m = f.metadata();
        String arch = m.optString("general.architecture").orElse("");
        String p = arch + ".";
        int heads = intOrMax(m, p + "attention.head_count").orElse(0);
        int embd = intOrMax(m, p + "embedding_length").orElse(0);
        int tokens = m.find("tokenizer.ggml.tokens").map(v -> v.type() == GgufValueType.ARRAY ? v.arrayLength() : 0).orElse(0);
        long params = 0, bytes = 0;
        Map<GgmlType, Long> byType = new TreeMap<>();
        for (TensorInfo t : f.tensors()) {
            params += t.elementCount();
            bytes += t.byteSize();
            byType.merge(t.type(), t.byteSize(), Long::sum);
        }
        return new GgufSummary(f.path(), f.fileSize(), f.version(), f.alignment(),
                m.optString("general.name").orElse(""), arch,
                intOrMax(m, p + "block_count").orElse(0), embd,
                intOrMax(m, p + "feed_forward_length").orElse(0), heads,
                intOrMax(m, p + "attention.head_count_kv").orElse(heads),
                intOrMax(m, p + "attention.key_length").orElse(heads > 0 ? embd / heads : 0),
                intOrMax(m, p + "context_length").orElse(0),
                vocabSize(f, p, tokens),
                m.optFloat(p + "rope.freq_base").orElse(Float.NaN),
                m.optFloat(p + "attention.layer_norm_rms_epsilon").orElse(Float.NaN),
                intOrMax(m, "general.file_type").orElse(-1),
                m.optString("tokenizer.ggml.model").orElse(""),
                m.optString("tokenizer.ggml.pre").orElse(""),
                tokens, m.contains("tokenizer.chat_template"),
                params, bytes, byType, f.tensors());
    }

    /** {@code ARCH.vocab_size}, else the tokenizer's token count, else the embedding's row count. */
    private static int vocabSize(GgufFile f, String prefix, int tokens) {
        OptionalInt declared = intOrMax(f.metadata(), prefix + "vocab_size");
        if (declared.isPresent()) return declared.getAsInt();
        if (tokens > 0) return tokens;
        return f.tensor("token_embd.weight").filter(t -> t.rank() == 2 && t.dims()[1] <= Integer.MAX_VALUE)
                .map(t -> (int) t.dims()[1]).orElse(0);
    }

    /**
     * An integer key, or the largest element when a model stores it per layer (an array), as
     * some architectures do for head counts and feed-forward widths. Absent or non-integer: empty.
     */
    private static OptionalInt intOrMax(GgufMetadata m, String key) {
        GgufValue v = m.find(key).orElse(null);
        if (v == null) return OptionalInt.empty();
        if (v.type().isInteger()) return OptionalInt.of(m.getInt(key));
        if (v.type() == GgufValueType.ARRAY && v.elementType().isInteger() && v.arrayLength() > 0) {
            int max = Integer.MIN_VALUE;
            for (int x : m.getIntArray(key)) max = Math.max(max, x);
            return OptionalInt.of(max);
        }
        return OptionalInt.empty();
    }

    /** The engine API's view of these facts. */
    public ModelInfo toModelInfo() {
        Map<String, Long> mix = new TreeMap<>();
        bytesByType.forEach((t, b) -> mix.put(t.name(), b));
        return new ModelInfo(path, name, architecture, parameterCount, fileBytes, layers, embeddingLength,
                feedForwardLength, heads, kvHeads, headDim, contextLength, vocabSize, mix, tokenizerModel, hasChatTemplate);
    }
}
