package tandem.engine.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import tandem.engine.cpu.ReferenceCase;
import tandem.engine.gguf.SharedData;

class LogitsCommandTest {
    @Test
    void printsLlamaCppsTokensAndMatchingLogitsAsJson() throws Exception {
        ReferenceCase c = ReferenceCase.read(SharedData.data("models/reference/llama-q6_k.p1.json"));
        CliRun r = CliRun.of("logits", "--model", c.model().toString(), "--backend", "cpu", "--prompt", c.prompt());
        assertEquals(0, r.status(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        int[] tokens = new int[json.get("tokens").size()];
        for (int i = 0; i < tokens.length; i++) tokens[i] = json.get("tokens").get(i).asInt();
        assertArrayEquals(c.tokens(), tokens);
        float[] logits = new float[json.get("last_logits").size()];
        for (int i = 0; i < logits.length; i++) logits[i] = (float) json.get("last_logits").get(i).asDouble();
        assertTrue(ReferenceCase.cosine(logits, c.lastLogits()) >= 0.9995);
    }

    @Test
    void missingModelIsOneLineOnStderr() {
        CliRun r = CliRun.of("logits", "--model", "/nonexistent/m.gguf", "--prompt", "x");
        assertEquals(1, r.status());
        assertEquals("tandem logits: /nonexistent/m.gguf: no such model file\n", r.err());
    }
}
