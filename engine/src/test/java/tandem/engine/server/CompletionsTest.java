package tandem.engine.server;

import tandem.engine.api.ServerOptions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tandem.engine.cli.CliRun;
import tandem.engine.gguf.SharedData;
import tandem.engine.api.PromptTokens;

/**
 * What the server generates, against independent references: greedy text equals {@code tandem run
 * --temperature 0} and llama.cpp's continuation of the same prompt; a stream carries the same text
 * as the whole answer, in OpenAI's chunk shapes; stop strings, seeds and usage behave as documented.
 */
class CompletionsTest {
    private static final String PROMPT = "Once upon a time";
    private static final int TOKENS = 30;
    private static ServerFixture fixture;

    @BeforeAll
    static void start() { fixture = new ServerFixture(ServerOptions.DEFAULT_MAX_BODY_BYTES); }

    @AfterAll
    static void stop() { fixture.close(); }

    private static JsonNode ok(ServerFixture.Reply reply) {
        assertEquals(200, reply.status(), reply.body());
        return reply.json();
    }

    @Test
    void greedyCompletionIsTandemRunsTextAndLlamaCppsContinuation() throws IOException {
        CliRun run = CliRun.of("run", "--model", ServerFixture.STORIES.toString(), "--backend", "cpu", "--prompt", PROMPT,
                "--temperature", "0", "--tokens", Integer.toString(TOKENS));
        assertEquals(0, run.status(), run.err());
        String cliText = run.out().substring(0, run.out().length() - 1); // run ends the text with a newline

        JsonNode reply = ok(fixture.post("/v1/completions", ServerFixture.json(Map.of("model", ServerFixture.MODEL_ID,
                "prompt", PROMPT, "max_tokens", TOKENS, "temperature", 0))));
        assertEquals("text_completion", reply.get("object").asText());
        JsonNode choice = reply.get("choices").get(0);
        assertEquals(cliText, choice.get("text").asText());
        assertEquals("length", choice.get("finish_reason").asText());

        JsonNode expected = new ObjectMapper().readTree(Files.readString(SharedData.data("models/stories260K.expected.json")));
        String llamaCpp = expected.get("cases").get(0).get("continuation").asText();
        assertEquals(PROMPT, expected.get("cases").get(0).get("prompt").asText());
        assertTrue(llamaCpp.startsWith(cliText), "llama.cpp: " + llamaCpp + "\nserver: " + cliText);

        JsonNode usage = reply.get("usage");
        int promptTokens = PromptTokens.encode(fixture.model.tokenizer(), PROMPT).length;
        assertEquals(promptTokens, usage.get("prompt_tokens").asInt());
        assertEquals(TOKENS, usage.get("completion_tokens").asInt());
        assertEquals(promptTokens + TOKENS, usage.get("total_tokens").asInt());
    }

    @Test
    void streamedChatCarriesTheWholeAnswersTextInChunkShapes() {
        Map<String, Object> request = Map.of("model", ServerFixture.MODEL_ID, "temperature", 0, "max_tokens", 20,
                "messages", List.of(Map.of("role", "system", "content", "You tell stories."),
                        Map.of("role", "user", "content", "Tell me about a dog.")));
        JsonNode whole = ok(fixture.post("/v1/chat/completions", ServerFixture.json(request)));
        assertEquals("chat.completion", whole.get("object").asText());
        JsonNode message = whole.get("choices").get(0).get("message");
        assertEquals("assistant", message.get("role").asText());
        String text = message.get("content").asText();
        assertFalse(text.isEmpty());

        Map<String, Object> streamed = new java.util.HashMap<>(request);
        streamed.put("stream", true);
        streamed.put("stream_options", Map.of("include_usage", true));
        ServerFixture.Reply reply = fixture.post("/v1/chat/completions", ServerFixture.json(streamed));
        assertEquals(200, reply.status(), reply.body());
        assertTrue(reply.response().headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        List<String> data = events(reply.body());
        assertEquals("[DONE]", data.getLast());
        List<JsonNode> chunks = data.subList(0, data.size() - 1).stream().map(CompletionsTest::parse).toList();
        String id = chunks.getFirst().get("id").asText();
        assertTrue(id.startsWith("chatcmpl-"));
        StringBuilder joined = new StringBuilder();
        for (JsonNode c : chunks) {
            assertEquals("chat.completion.chunk", c.get("object").asText());
            assertEquals(id, c.get("id").asText());
            if (!c.get("choices").isEmpty()) joined.append(c.get("choices").get(0).get("delta").path("content").asText(""));
        }
        assertEquals("assistant", chunks.getFirst().get("choices").get(0).get("delta").get("role").asText());
        assertEquals(text, joined.toString());
        JsonNode finish = chunks.get(chunks.size() - 2).get("choices").get(0);
        assertEquals(whole.get("choices").get(0).get("finish_reason").asText(), finish.get("finish_reason").asText());
        JsonNode usage = chunks.getLast();
        assertTrue(usage.get("choices").isEmpty());
        assertEquals(whole.get("usage"), usage.get("usage"));
    }

    @Test
    void streamedTextCompletionIsTheGreedyText() {
        String body = ServerFixture.json(Map.of("prompt", PROMPT, "max_tokens", TOKENS, "temperature", 0));
        String whole = ok(fixture.post("/v1/completions", body)).get("choices").get(0).get("text").asText();
        ServerFixture.Reply reply = fixture.post("/v1/completions", body.replace("{", "{\"stream\":true,"));
        List<String> data = events(reply.body());
        StringBuilder joined = new StringBuilder();
        for (String d : data.subList(0, data.size() - 1)) joined.append(parse(d).get("choices").get(0).get("text").asText());
        assertEquals(whole, joined.toString());
        assertEquals("length", parse(data.get(data.size() - 2)).get("choices").get(0).get("finish_reason").asText());
    }

    @Test
    void stopStringEndsTheAnswerWithFinishReasonStop() {
        JsonNode choice = ok(fixture.post("/v1/completions", ServerFixture.json(Map.of("prompt", PROMPT, "max_tokens", TOKENS,
                "temperature", 0, "stop", List.of("girl", "zebra"))))).get("choices").get(0);
        assertEquals(", there was a little ", choice.get("text").asText());
        assertEquals("stop", choice.get("finish_reason").asText());
    }

    @Test
    void sameSeedSameTextDifferentSeedsDiffer() {
        List<String> texts = new ArrayList<>();
        for (int seed : new int[] {7, 7, 8}) {
            texts.add(ok(fixture.post("/v1/completions", ServerFixture.json(Map.of("prompt", PROMPT, "max_tokens", 40,
                    "temperature", 1.2, "top_k", 0, "top_p", 1, "min_p", 0, "seed", seed)))).get("choices").get(0).get("text").asText());
        }
        assertEquals(texts.get(0), texts.get(1));
        assertFalse(texts.get(0).equals(texts.get(2)), "two seeds gave the same 40 tokens at temperature 1.2: " + texts);
    }

    @Test
    void modelsListsTheServedModel() {
        JsonNode list = ok(fixture.get("/v1/models", ServerFixture.KEY));
        assertEquals("list", list.get("object").asText());
        assertEquals(ServerFixture.MODEL_ID, list.get("data").get(0).get("id").asText());
        assertEquals("model", list.get("data").get(0).get("object").asText());
    }

    /** The data fields of a server-sent-event body, in order. */
    static List<String> events(String body) {
        List<String> data = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            if (block.startsWith("data: ")) data.add(block.substring("data: ".length()));
        }
        return data;
    }

    private static JsonNode parse(String json) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new AssertionError(json, e);
        }
    }
}
