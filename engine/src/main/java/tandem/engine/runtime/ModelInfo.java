package tandem.engine.runtime;

import java.nio.file.Path;
import java.util.Map;

/**
 * What a GGUF model is, read from its metadata without loading weights.
 *
 * @param quantMix   bytes of tensor data per ggml type name ("Q4_K" -> bytes)
 */
public record ModelInfo(Path path, String name, String architecture, long parameterCount,
                        long fileBytes, int layers, int embeddingLength, int feedForwardLength,
                        int heads, int kvHeads, int headDim, int contextLength, int vocabSize,
                        Map<String, Long> quantMix, String tokenizerModel, boolean hasChatTemplate) {
    public ModelInfo {
        quantMix = Map.copyOf(quantMix);
    }
}
