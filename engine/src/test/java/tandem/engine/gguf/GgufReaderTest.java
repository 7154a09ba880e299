package tandem.engine.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tandem.engine.tensor.GgmlType;

class GgufReaderTest {

    @Test
    void readsStories260K() {
        try (GgufFile f = GgufFile.open(SharedData.data("models/stories260K.gguf"))) {
            GgufMetadata m = f.metadata();
            assertEquals("llama", m.getString("general.architecture"));
            assertEquals(5, m.getInt("llama.block_count"));
            assertEquals(64, m.getInt("llama.embedding_length"));
            assertEquals(8, m.getInt("llama.attention.head_count"));
            assertEquals(4, m.getInt("llama.attention.head_count_kv"));
            assertEquals(512, m.getStringArray("tokenizer.ggml.tokens").size());
            assertEquals(512, m.getFloatArray("tokenizer.ggml.scores").length);
            assertEquals("llama", m.getString("tokenizer.ggml.model"));
            assertEquals(32, f.alignment());
            assertEquals(0, f.dataOffset() % 32);
            TensorInfo embd = f.requireTensor("token_embd.weight");
            assertEquals(GgmlType.F32, embd.type());
            assertEquals(64, embd.rowLength());
            assertEquals(512, embd.rowCount());
            assertEquals(64L * 512 * 4, f.data(embd).byteSize());
            assertTrue(f.data(embd).isReadOnly());
            long total = f.tensors().stream().mapToLong(TensorInfo::byteSize).sum();
            assertTrue(total > 1_000_000 && total < f.fileSize(), "tensor bytes " + total);
        }
    }

    @Test
    void wrongTypeAndMissingKeysAreOneLineErrors() {
        try (GgufFile f = GgufFile.open(SharedData.data("models/stories260K.gguf"))) {
            GgufException wrong = assertThrows(GgufException.class, () -> f.metadata().getString("llama.block_count"));
            assertTrue(wrong.getMessage().endsWith("llama.block_count: expected string, found uint32"), wrong.getMessage());
            GgufException missing = assertThrows(GgufException.class, () -> f.metadata().getInt("llama.nope"));
            assertTrue(missing.getMessage().endsWith("missing llama.nope"), missing.getMessage());
            GgufException tensor = assertThrows(GgufException.class, () -> f.requireTensor("nope.weight"));
            assertTrue(tensor.getMessage().endsWith("missing tensor nope.weight"), tensor.getMessage());
            assertFalse(f.tensor("nope.weight").isPresent());
        }
    }

    static Stream<Path> sharedGgufs() throws IOException {
        try (Stream<Path> models = Files.list(SharedData.data("models/reference"));
             Stream<Path> vocabs = Files.list(SharedData.data("vocab"))) {
            return Stream.concat(models.toList().stream(), vocabs.toList().stream())
                    .filter(p -> p.toString().endsWith(".gguf")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sharedGgufs")
    void opensEverySharedFile(Path file) {
        try (GgufFile f = GgufFile.open(file)) {
            assertTrue(f.version() == 2 || f.version() == 3);
            assertFalse(f.metadata().keys().isEmpty());
            List<TensorInfo> tensors = f.tensors();
            for (TensorInfo t : tensors) {
                assertEquals(t.type().byteSize(t.elementCount()), t.byteSize(), t.name());
                assertTrue(t.offset() >= f.dataOffset() && t.offset() + t.byteSize() <= f.fileSize(), t.name());
            }
        }
    }
}
