package tandem.engine.server;

import tandem.engine.api.ServerOptions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tandem.engine.api.TandemException;

/**
 * Raw HTTP against the server: every refusal has OpenAI's status and error shape
 * {@code {"error":{"message","type","param","code"}}}, and nothing a client sends gets a stack trace
 * or a hang.
 */
class ErrorShapesTest {
    private static final long BODY_LIMIT = 64 * 1024;
    private static ServerFixture fixture;

    @BeforeAll
    static void start() { fixture = new ServerFixture(BODY_LIMIT); }

    @AfterAll
    static void stop() { fixture.close(); }

    /** The error object, after checking the status and that it has exactly OpenAI's four fields. */
    private static JsonNode error(ServerFixture.Reply reply, int status) {
        assertEquals(status, reply.status(), reply.body());
        assertTrue(reply.response().headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonNode error = reply.json().get("error");
        List<String> fields = new ArrayList<>();
        error.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("message", "type", "param", "code"), fields, reply.body());
        assertTrue(error.get("message").isTextual() && !error.get("message").asText().isBlank());
        return error;
    }

    private static String chat(Map<String, Object> extra) {
        Map<String, Object> body = new java.util.LinkedHashMap<>(Map.of("model", ServerFixture.MODEL_ID,
                "messages", List.of(Map.of("role", "user", "content", "Hello"))));
        body.putAll(extra);
        return ServerFixture.json(body);
    }

    @Test
    void missingOrWrongKeyIs401AndHealthNeedsNoKey() {
        JsonNode missing = error(fixture.get("/v1/models", null), 401);
        assertEquals("invalid_api_key", missing.get("code").asText());
        assertEquals("invalid_request_error", missing.get("type").asText());
        JsonNode wrong = error(fixture.get("/v1/models", "not-the-key"), 401);
        assertEquals("invalid_api_key", wrong.get("code").asText());
        assertEquals(401, fixture.send(fixture.request("/v1/chat/completions", "nope")
                .POST(HttpRequest.BodyPublishers.ofString(chat(Map.of())))).status());
        assertEquals(200, fixture.get("/health", null).status());
        assertEquals(200, fixture.get("/v1/models", ServerFixture.KEY).status());
    }

    @Test
    void malformedJsonIs400() {
        JsonNode e = error(fixture.post("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", "), 400);
        assertEquals("invalid_request_error", e.get("type").asText());
        assertTrue(e.get("param").isNull());
        assertTrue(e.get("message").asText().contains("could not parse the JSON body"), e.toString());
        error(fixture.post("/v1/completions", ""), 400);
        error(fixture.post("/v1/completions", "[1, 2]"), 400);
    }

    @Test
    void unknownModelIs404WithParamModel() {
        JsonNode e = error(fixture.post("/v1/chat/completions", chat(Map.of("model", "gpt-4o"))), 404);
        assertEquals("model_not_found", e.get("code").asText());
        assertEquals("model", e.get("param").asText());
        assertEquals("model_not_found", error(fixture.get("/v1/models/gpt-4o", ServerFixture.KEY), 404).get("code").asText());
        assertEquals(ServerFixture.MODEL_ID, fixture.get("/v1/models/" + ServerFixture.MODEL_ID, ServerFixture.KEY).json().get("id").asText());
    }

    @Test
    void promptOverTheContextIs400ContextLengthExceeded() {
        String longText = "Once upon a time there was a cat. ".repeat(40); // ~10 tokens each, well over 256
        JsonNode e = error(fixture.post("/v1/completions", ServerFixture.json(Map.of("prompt", longText, "max_tokens", 4))), 400);
        assertEquals("context_length_exceeded", e.get("code").asText());
        assertEquals("prompt", e.get("param").asText());
        JsonNode chat = error(fixture.post("/v1/chat/completions", chat(Map.of("messages",
                List.of(Map.of("role", "user", "content", longText))))), 400);
        assertEquals("context_length_exceeded", chat.get("code").asText());
        // prompt that fits, but not with the answer asked for
        JsonNode tooMany = error(fixture.post("/v1/completions", ServerFixture.json(Map.of("prompt", "Hi", "max_tokens", 300))), 400);
        assertEquals("context_length_exceeded", tooMany.get("code").asText());
        assertEquals("max_tokens", tooMany.get("param").asText());
    }

    @Test
    void wrongFieldsNameTheirParam() {
        assertEquals("temperature", error(fixture.post("/v1/chat/completions", chat(Map.of("temperature", "hot"))), 400)
                .get("param").asText());
        assertEquals("temperature", error(fixture.post("/v1/chat/completions", chat(Map.of("temperature", 3))), 400)
                .get("param").asText());
        assertEquals("max_tokens", error(fixture.post("/v1/chat/completions", chat(Map.of("max_tokens", 0))), 400)
                .get("param").asText());
        assertEquals("n", error(fixture.post("/v1/chat/completions", chat(Map.of("n", 2))), 400).get("param").asText());
        assertEquals("stop", error(fixture.post("/v1/chat/completions", chat(Map.of("stop", List.of(1)))), 400)
                .get("param").asText());
        assertEquals("messages", error(fixture.post("/v1/chat/completions", "{\"model\":\"stories260K\"}"), 400)
                .get("param").asText());
        assertEquals("messages[0].role", error(fixture.post("/v1/chat/completions",
                chat(Map.of("messages", List.of(Map.of("role", "tool", "content", "x"))))), 400).get("param").asText());
        assertEquals("prompt", error(fixture.post("/v1/completions", "{\"prompt\": [1, 99999]}"), 400).get("param").asText());
        assertEquals("prompt", error(fixture.post("/v1/completions", "{\"max_tokens\": 3}"), 400).get("param").asText());
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405() {
        assertEquals("unknown_url", error(fixture.get("/v1/embeddings", ServerFixture.KEY), 404).get("code").asText());
        ServerFixture.Reply get = fixture.get("/v1/chat/completions", ServerFixture.KEY);
        error(get, 405);
        assertEquals(Optional.of("POST"), get.response().headers().firstValue("Allow"));
    }

    @Test
    void bodyOverTheLimitIs413() {
        String big = chat(Map.of("messages", List.of(Map.of("role", "user", "content", "x".repeat((int) BODY_LIMIT)))));
        assertEquals("request_too_large", error(fixture.post("/v1/chat/completions", big), 413).get("code").asText());
        // the server still answers afterwards
        assertEquals(200, fixture.get("/health", null).status());
    }

    @Test
    void nonLoopbackHostWithoutKeyAndParallelOutsideItsRangeAreRefusedBeforeListening() {
        TandemException open = assertThrows(TandemException.class,
                () -> new ServerOptions("0.0.0.0", 0, Optional.empty(), 1, BODY_LIMIT, "m"));
        assertTrue(open.getMessage().contains("--api-key"), open.getMessage());
        new ServerOptions("0.0.0.0", 0, Optional.of("k"), 1, BODY_LIMIT, "m"); // with a key it may
        new ServerOptions("127.0.0.1", 0, Optional.empty(), ServerOptions.MAX_PARALLEL, BODY_LIMIT, "m");
        for (int slots : new int[] {0, ServerOptions.MAX_PARALLEL + 1}) {
            TandemException parallel = assertThrows(TandemException.class,
                    () -> new ServerOptions("127.0.0.1", 0, Optional.empty(), slots, BODY_LIMIT, "m"));
            assertTrue(parallel.getMessage().contains("--parallel " + slots + ": give the number"), parallel.getMessage());
        }
    }
}
