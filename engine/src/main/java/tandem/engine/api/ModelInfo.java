package tandem.engine.api;

import java.nio.file.Path;
import java.util.Map;

/**
 * What a GGUF model is, read from its metadata without loading weights.
 *
 * @param quantMix   bytes of tensor data per ggml type name ("Q4_K" -> bytes)
 * @param features   the architecture's distinctive facts in words (sliding window, fused tensors, ...)
 */
public record ModelInfo(Path path, String name, String architecture, long parameterCount,
                        long fileBytes, int layers, int embeddingLength, int feedForwardLength,
                        int heads, int kvHeads, int headDim, int contextLength, int vocabSize,
                        Map<String, Long> quantMix, String tokenizerModel, boolean hasChatTemplate,
                        java.util.List<String> features) {
    public ModelInfo {
        quantMix = Map.copyOf(quantMix);
        features = java.util.List.copyOf(features);
    }

    /** Facts without architecture features. */
    public ModelInfo(Path path, String name, String architecture, long parameterCount,
                     long fileBytes, int layers, int embeddingLength, int feedForwardLength,
                     int heads, int kvHeads, int headDim, int contextLength, int vocabSize,
                     Map<String, Long> quantMix, String tokenizerModel, boolean hasChatTemplate) {
        this(path, name, architecture, parameterCount, fileBytes, layers, embeddingLength, feedForwardLength, heads, kvHeads,
                headDim, contextLength, vocabSize, quantMix, tokenizerModel, hasChatTemplate, java.util.List.of());
    }

    /** The same facts with the architecture's features. */
    public ModelInfo withFeatures(java.util.List<String> list) {
        return new ModelInfo(path, name, architecture, parameterCount, fileBytes, layers, embeddingLength, feedForwardLength,
                heads, kvHeads, headDim, contextLength, vocabSize, quantMix, tokenizerModel, hasChatTemplate, list);
    }
}
