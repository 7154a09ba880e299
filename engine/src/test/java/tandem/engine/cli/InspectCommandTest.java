package tandem.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tandem.engine.gguf.SharedData;

class InspectCommandTest {

    record Result(int status, String out, String err) {}

    static Result cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = TandemCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static void assertLine(String text, String label, String value) {
        assertTrue(Pattern.compile("(?m)^\\s+" + Pattern.quote(label) + "\\s+" + Pattern.quote(value) + "$").matcher(text).find(),
                label + " " + value + " in:\n" + text);
    }

    @Test
    void showsStories260KFacts() {
        Result r = cli("inspect", SharedData.data("models/stories260K.gguf").toString());
        assertEquals(0, r.status(), r.err());
        assertLine(r.out(), "architecture", "llama");
        assertLine(r.out(), "layers", "5");
        assertLine(r.out(), "dim", "64");
        assertLine(r.out(), "heads", "8");
        assertLine(r.out(), "kv heads", "4");
        assertLine(r.out(), "vocab", "512");
        assertLine(r.out(), "chat template", "no");
        assertLine(r.out(), "file type", "-"); // stories260K has no general.file_type
        assertTrue(r.out().contains("blk.4.ffn_down.weight"), r.out());
        assertTrue(r.out().contains("totals  48 tensors"), r.out());
    }

    @Test
    void jsonCarriesTheSameFactsAndEveryTensor() throws Exception {
        Result r = cli("inspect", SharedData.data("models/reference/llama-q4_k.gguf").toString(), "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("llama", j.get("architecture").asText());
        long sum = 0;
        for (JsonNode t : j.get("tensors")) sum += t.get("bytes").asLong();
        assertEquals(j.get("tensor_bytes").asLong(), sum);
        long byType = 0;
        for (JsonNode b : j.get("bytes_by_type")) byType += b.asLong();
        assertEquals(sum, byType);
        assertTrue(j.get("bytes_by_type").has("Q4_K"), r.out());
        assertTrue(j.get("vocab_size").asInt() > 0);
        assertEquals(15, j.get("file_type").asInt()); // llama.cpp's LLAMA_FTYPE_MOSTLY_Q4_K_M
        assertEquals("Q4_K_M", j.get("file_type_name").asText());
    }

    @Test
    void vocabOnlyFileShowsTokenizerAndTemplate() {
        Result r = cli("inspect", SharedData.data("vocab/ggml-vocab-llama-bpe.gguf").toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("gpt2 (pre: llama-bpe), 128256 tokens"), r.out());
        assertTrue(r.out().contains("totals  0 tensors"), r.out());
    }

    @Test
    void missingFileIsOneLineOnStderr() {
        Result r = cli("inspect", "/nonexistent/model.gguf");
        assertEquals(1, r.status());
        assertEquals("tandem inspect: /nonexistent/model.gguf: no such file", r.err().strip());
        assertFalse(r.err().strip().contains("\n"));
        assertEquals("", r.out());
    }

    @Test
    void noModelIsAUsageError() {
        Result r = cli("inspect");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("usage: tandem inspect MODEL [--json]"), r.err());
    }
}
