package tandem.engine.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tandem.engine.cpu.ReferenceCase;
import tandem.engine.gguf.SharedData;

class LogitsCommandTest {
    @Test
    void printsLlamaCppsTokensAndMatchingLogitsAsJson() throws Exception {
        ReferenceCase c = ReferenceCase.read(SharedData.data("models/reference/llama-q6_k.p1.json"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = TandemCli.run(new String[] {"logits", "--model", c.model().toString(), "--backend", "cpu",
                "--prompt", c.prompt()}, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        JsonNode json = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        int[] tokens = new int[json.get("tokens").size()];
        for (int i = 0; i < tokens.length; i++) tokens[i] = json.get("tokens").get(i).asInt();
        assertArrayEquals(c.tokens(), tokens);
        float[] logits = new float[json.get("last_logits").size()];
        for (int i = 0; i < logits.length; i++) logits[i] = (float) json.get("last_logits").get(i).asDouble();
        assertTrue(ReferenceCase.cosine(logits, c.lastLogits()) >= 0.9995);
    }

    @Test
    void missingModelIsOneLineOnStderr() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = TandemCli.run(new String[] {"logits", "--model", "/nonexistent/m.gguf", "--prompt", "x"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, status);
        assertEquals("tandem logits: /nonexistent/m.gguf: no such model file\n", err.toString(StandardCharsets.UTF_8));
    }
}
