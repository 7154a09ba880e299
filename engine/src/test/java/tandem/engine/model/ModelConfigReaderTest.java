package tandem.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.SharedData;
import tandem.engine.api.TandemException;

class ModelConfigReaderTest {
    @Test
    void stories260KIsASmallLlamaWithGroupedQueryAttention() {
        try (GgufFile file = GgufFile.open(SharedData.data("models/stories260K.gguf"))) {
            ModelConfig c = ModelConfigReader.read(file);
            assertSame(Architecture.LLAMA, c.architecture());
            assertEquals(64, c.dim());
            assertEquals(5, c.layers());
            assertEquals(8, c.heads());
            assertEquals(4, c.kvHeads());
            assertEquals(8, c.headDim());
            assertEquals(8, c.ropeDim());
            assertEquals(512, c.vocab());
            assertEquals(RopeStyle.NORMAL, c.ropeStyle());
            assertFalse(c.qkvBias());
            assertFalse(c.qkNorm());
            ModelTensors t = ModelTensors.bind(file, c);
            assertEquals(5, t.layers().size());
            assertEquals(c.tiedOutput(), t.output() == t.tokenEmbedding());
        }
    }

    @Test
    void referenceLlamaHasItsPublishedShape() {
        try (GgufFile file = GgufFile.open(SharedData.data("models/reference/llama-q4_0.gguf"))) {
            ModelConfig c = ModelConfigReader.read(file);
            assertEquals(256, c.dim());
            assertEquals(2, c.layers());
            assertEquals(4, c.heads());
            assertEquals(2, c.kvHeads());
            assertEquals(768, c.ffn());
            assertEquals(512, c.vocab());
        }
    }

    @Test
    void architecturesAreDescriptionsChosenByName() {
        assertEquals(RopeStyle.NEOX, Architecture.forName("qwen2").ropeStyle());
        assertTrue(Architecture.forName("qwen2").qkvBias());
        assertTrue(Architecture.forName("qwen3").qkNorm());
        TandemException e = assertThrows(TandemException.class, () -> Architecture.forName("gpt2"));
        assertTrue(e.getMessage().contains("unsupported architecture 'gpt2'"), e.getMessage());
    }
}
