package tandem.engine.server;

import tandem.engine.api.ServerOptions;
import tandem.engine.api.StepCounts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@code --parallel 4}: four clients at once get the same texts as the same requests one after
 * another, the slots shared decode steps, and /metrics counts the slots.
 */
class ParallelServerTest {
    private static final List<String> PROMPTS = List.of("Once upon a time", "The little dog", "Tom had a red ball",
            "Lily and her mom went to the park");

    private static String request(String prompt, int i) {
        return ServerFixture.json(Map.of("model", ServerFixture.MODEL_ID, "prompt", prompt, "max_tokens", 24 + 4 * i,
                "temperature", i == 3 ? 0.8 : 0, "seed", 42 + i));
    }

    @Test
    void fourClientsAtOnceGetTheTextsOfSequentialRequests() throws Exception {
        try (ServerFixture fixture = new ServerFixture(ServerOptions.DEFAULT_MAX_BODY_BYTES, 4)) {
            List<String> sequential = new ArrayList<>();
            for (int i = 0; i < PROMPTS.size(); i++) sequential.add(text(fixture.post("/v1/completions", request(PROMPTS.get(i), i))));

            StepCounts before = fixture.model.stepCounts();
            List<CompletableFuture<String>> together = new ArrayList<>();
            for (int i = 0; i < PROMPTS.size(); i++) {
                String body = request(PROMPTS.get(i), i);
                together.add(CompletableFuture.supplyAsync(() -> text(fixture.post("/v1/completions", body))));
            }
            for (int i = 0; i < PROMPTS.size(); i++) {
                assertTrue(sequential.get(i).length() > 10, "request " + i + " answered too little: " + sequential.get(i));
                assertEquals(sequential.get(i), together.get(i).get(), "request " + i + " at once against alone");
            }
            StepCounts ran = fixture.model.stepCounts().since(before);
            assertTrue(ran.sequences() > ran.steps(), "the four requests never shared a step");

            String metrics = fixture.get("/metrics", ServerFixture.KEY).body();
            assertTrue(metrics.contains("\ntandem_slots 4"), metrics);
            assertTrue(metrics.contains("\ntandem_requests_running 0"), metrics);
            assertTrue(metrics.contains("\ntandem_queue_length 0"), metrics);
        }
    }

    private static String text(ServerFixture.Reply reply) {
        assertEquals(200, reply.status(), reply.body());
        return reply.json().get("choices").get(0).get("text").asText();
    }
}
