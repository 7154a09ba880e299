package tandem.engine.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests an editor plugin gone wrong (or an attacker) might send: token ids outside the
 * vocabulary, sampling values far outside any sane range, a one-megabyte prompt. Each gets an
 * OpenAI-shaped 400 naming the field, quickly, and the server keeps answering afterwards.
 */
class HostileRequestsTest {
    private static ServerFixture fixture;

    @BeforeAll
    static void start() { fixture = new ServerFixture(4L << 20); }

    @AfterAll
    static void stop() { fixture.close(); }

    private static JsonNode badRequest(String path, String body) {
        ServerFixture.Reply reply = fixture.post(path, body);
        assertEquals(400, reply.status(), body.length() > 200 ? body.substring(0, 200) : body);
        JsonNode error = reply.json().get("error");
        assertEquals("invalid_request_error", error.get("type").asText(), reply.body());
        String message = error.get("message").asText();
        assertTrue(!message.isBlank() && !message.contains("\n") && !message.contains("Exception"), message);
        return error;
    }

    private static String chat(String field, Object value) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("model", ServerFixture.MODEL_ID,
                "messages", List.of(Map.of("role", "user", "content", "Hello"))));
        body.put(field, value);
        return ServerFixture.json(body);
    }

    @Test
    void tokenIdsOutsideTheVocabularyAre400() {
        for (String ids : List.of("[-1]", "[1, 512]", "[2147483647]", "[1, 2147483648]", "[1e30]", "[1.5]", "[null]", "[[1]]")) {
            assertEquals("prompt", badRequest("/v1/completions", "{\"prompt\": " + ids + ", \"max_tokens\": 2}")
                    .get("param").asText(), ids);
        }
    }

    @Test
    void absurdSamplingValuesAre400NamingTheField() {
        Map<String, List<Object>> absurd = new LinkedHashMap<>();
        absurd.put("temperature", List.of(-1, 1e308, "NaN", true));
        absurd.put("top_p", List.of(-0.5, 2, 1e300));
        absurd.put("top_k", List.of(-5, 1e30, 2.5));
        absurd.put("min_p", List.of(-1, 1, 7));
        absurd.put("repeat_penalty", List.of(0, -3, 1e300));
        absurd.put("presence_penalty", List.of(-1e9, 3));
        absurd.put("frequency_penalty", List.of(1e9, -2.5));
        absurd.put("max_tokens", List.of(-1, 0, 1e20, 0.5));
        absurd.put("seed", List.of(1e40, "x"));
        absurd.forEach((field, values) -> {
            for (Object value : values) {
                JsonNode e = badRequest("/v1/chat/completions", chat(field, value));
                assertEquals(field, e.get("param").asText(), field + "=" + value);
            }
        });
        // Infinity written as a number literal too large for a double
        assertEquals("temperature", badRequest("/v1/chat/completions",
                chat("temperature", 1).replace("\"temperature\":1", "\"temperature\":1e400")).get("param").asText());
        assertEquals(200, fixture.get("/health", null).status());
    }

    @Test
    void megabytePromptIsContextLengthExceededNotAHang() {
        String megabyte = "Once upon a time there was a little cat. ".repeat(25_000);
        JsonNode text = badRequest("/v1/completions", ServerFixture.json(Map.of("prompt", megabyte, "max_tokens", 4)));
        assertEquals("context_length_exceeded", text.get("code").asText());
        JsonNode chat = badRequest("/v1/chat/completions", chat("messages", List.of(Map.of("role", "user", "content", megabyte))));
        assertEquals("context_length_exceeded", chat.get("code").asText());
        // The server still generates afterwards.
        ServerFixture.Reply ok = fixture.post("/v1/completions", ServerFixture.json(Map.of("prompt", "Once", "max_tokens", 3)));
        assertEquals(200, ok.status(), ok.body());
    }
}
