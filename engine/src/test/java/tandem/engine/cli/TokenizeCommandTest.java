package tandem.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.engine.gguf.SharedData;

/** {@code tandem tokenize} through the CLI entry point, with captured streams. */
class TokenizeCommandTest {
    private static final String LLAMA3 = SharedData.data("vocab/ggml-vocab-llama-bpe.gguf").toString();

    @Test
    void printsIdsAsOneJsonArray() {
        CliRun r = CliRun.of("tokenize", "--model", LLAMA3, "--no-bos", "--prompt", "Hello world");
        assertEquals(0, r.status(), r.err());
        assertEquals("[9906,1917]\n", r.out());
    }

    @Test
    void addsBosAsTheModelSaysAndParsesSpecialOnRequest() {
        assertEquals("[128000,9906,1917]\n", CliRun.of("tokenize", "--model", LLAMA3, "--prompt", "Hello world").out());
        assertEquals("[128000,128009]\n", CliRun.of("tokenize", "--model", LLAMA3, "--parse-special", "--prompt", "<|eot_id|>").out());
    }

    @Test
    void readsTheTextFromAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("prompt.txt");
        Files.writeString(file, "Hello world", StandardCharsets.UTF_8);
        assertEquals("[9906,1917]\n", CliRun.of("tokenize", "--model", LLAMA3, "--no-bos", "--file", file.toString()).out());
    }

    @Test
    void missingTextIsOneLineErrorAndNonZeroExit() {
        CliRun r = CliRun.of("tokenize", "--model", LLAMA3);
        assertEquals(1, r.status());
        assertEquals("", r.out());
        assertTrue(r.err().contains("--prompt") && r.err().strip().lines().count() == 1, r.err());
    }
}
