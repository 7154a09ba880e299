package tandem.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tandem.engine.api.Tokenizer;
import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.GgufValue;
import tandem.engine.gguf.GgufValueType;
import tandem.engine.gguf.GgufWriter;
import tandem.engine.gguf.SharedData;

/**
 * Special token ids as GGUF files store them: llama.cpp's converter writes "no such token" as -1
 * in the key's width (0xFFFFFFFF in a UINT32), which must read as absent without a warning, while
 * an id really past the vocabulary is ignored with a warning.
 */
class SpecialIdSentinelTest {

    /** An SPM vocabulary of {@code <unk> <s> </s> a}: its default BOS is id 1. */
    private static GgufFile vocabWithBos(GgufValue bos) {
        byte[] bytes = new GgufWriter()
                .putString("tokenizer.ggml.model", "llama")
                .put("tokenizer.ggml.tokens", GgufValue.stringArray(List.of("<unk>", "<s>", "</s>", "a")))
                .put("tokenizer.ggml.scores", GgufValue.floatArray(new float[] {0, 0, 0, -1}))
                .put("tokenizer.ggml.token_type", GgufValue.int32Array(new int[] {2, 3, 3, 1}))
                .put("tokenizer.ggml.bos_token_id", bos)
                .toByteArray();
        return GgufFile.parse(MemorySegment.ofArray(bytes), "vocab.gguf");
    }

    @ParameterizedTest(name = "bos stored as {0} {1}: id {2}, warns {3}")
    @CsvSource(textBlock = """
            UINT32, 4294967295, 1, false
            INT32,  -1,         1, false
            INT64,  -1,         1, false
            UINT64, -1,         1, false
            UINT32, 3,          3, false
            UINT32, 4,          1, true
            UINT32, 2147483647, 1, true
            INT32,  -2,         1, true
            """)
    void noneSentinelIsSilentlyAbsentAndRealOutOfRangeIdsWarn(GgufValueType type, long stored, int expectedBos, boolean warns) {
        GgufValue bos = switch (type) {
            case UINT32 -> GgufValue.uint32(stored);
            case INT32 -> GgufValue.int32((int) stored);
            case INT64 -> GgufValue.int64(stored);
            case UINT64 -> GgufValue.uint64(stored);
            default -> throw new IllegalArgumentException(type.toString());
        };
        var warnings = new ByteArrayOutputStream();
        Tokenizer tok = Tokenizers.fromGguf(vocabWithBos(bos), new PrintStream(warnings, true, StandardCharsets.UTF_8));
        assertEquals(expectedBos, tok.bosId());
        String expectedWarning = warns ? "tokenizer: warning: bos token id " + stored + " is outside the vocabulary; ignored" : "";
        assertEquals(expectedWarning, warnings.toString(StandardCharsets.UTF_8).strip());
    }

    @Test
    void stories260KLoadsWithoutWarnings() {
        var warnings = new ByteArrayOutputStream();
        try (GgufFile file = GgufFile.open(SharedData.data("models/stories260K.gguf"))) {
            Tokenizer tok = Tokenizers.fromGguf(file, new PrintStream(warnings, true, StandardCharsets.UTF_8));
            assertEquals(1, tok.bosId());
            assertEquals(2, tok.eosId());
        }
        assertEquals("", warnings.toString(StandardCharsets.UTF_8));
    }
}
