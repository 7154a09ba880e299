package tandem.engine.server;

import tandem.engine.api.ServerOptions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tandem.engine.api.ChatMessage;
import tandem.engine.cli.CliRun;
import tandem.engine.api.GenerationResult;
import tandem.engine.api.SamplingParams;
import tandem.engine.api.StopReason;
import tandem.engine.api.TandemException;

/**
 * {@code --remote} against {@code tandem serve} itself: the remote engine's greedy text is the local
 * one's, {@code tandem run --remote} prints what {@code tandem run --model} does, a wrong key or model
 * is the server's one-line refusal, and cancelling closes the stream, which stops the server's generation.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RemoteEngineTest {
    private static final String PROMPT = "Once upon a time";

    private static String base(ServerFixture fixture) { return fixture.server.baseUrl().toString(); }

    @Test
    void remoteGreedyTextIsTheLocalOneForRunAndChat() {
        CliRun local = CliRun.of("run", "--model", ServerFixture.STORIES.toString(), "--backend", "cpu", "--prompt", PROMPT,
                "--temperature", "0", "--tokens", "24");
        assertEquals(0, local.status(), local.err());
        try (ServerFixture fixture = new ServerFixture(ServerOptions.DEFAULT_MAX_BODY_BYTES)) {
            CliRun remote = CliRun.of("run", "--remote", base(fixture), "--api-key", ServerFixture.KEY, "--prompt", PROMPT,
                    "--temperature", "0", "--tokens", "24");
            assertEquals(0, remote.status(), remote.err());
            assertEquals(local.out(), remote.out());
            assertTrue(remote.err().contains("model stories260K"), remote.err());

            RemoteEngine engine = new RemoteEngine(base(fixture), Optional.of(ServerFixture.KEY), Optional.empty());
            List<ChatMessage> conversation = List.of(ChatMessage.user("Tell me a story"));
            GenerationResult viaServer = engine.chat(conversation, SamplingParams.greedy(16), e -> { });
            try (var chat = new tandem.engine.api.ChatSession(fixture.model)) {
                GenerationResult direct = chat.reply(conversation, SamplingParams.greedy(16), e -> { });
                assertEquals(direct.text(), viaServer.text());
            }
            assertEquals(StopReason.MAX_TOKENS, viaServer.stopReason());
            assertEquals(16, viaServer.generatedTokens());
        }
    }

    @Test
    void wrongKeyAndUnknownModelAreTheServersRefusals() {
        try (ServerFixture fixture = new ServerFixture(ServerOptions.DEFAULT_MAX_BODY_BYTES)) {
            TandemException key = assertThrows(TandemException.class,
                    () -> new RemoteEngine(base(fixture), Optional.of("wrong"), Optional.empty()));
            assertTrue(key.getMessage().startsWith("the remote engine answered 401: Incorrect API key"), key.getMessage());
            RemoteEngine engine = new RemoteEngine(base(fixture), Optional.of(ServerFixture.KEY), Optional.of("llama-70b"));
            TandemException model = assertThrows(TandemException.class,
                    () -> engine.complete(PROMPT, SamplingParams.greedy(4), e -> { }));
            assertTrue(model.getMessage().startsWith("the remote engine answered 404: The model 'llama-70b' does not exist"),
                    model.getMessage());
        }
    }

    @Test
    void cancellingClosesTheStreamAndStopsTheServersGeneration() throws Exception {
        EndlessModel endless = new EndlessModel("word ", 2);
        try (ServerFixture fixture = new ServerFixture(endless, ServerOptions.DEFAULT_MAX_BODY_BYTES)) {
            RemoteEngine engine = new RemoteEngine(base(fixture), Optional.of(ServerFixture.KEY), Optional.empty());
            CompletableFuture<GenerationResult> running = CompletableFuture.supplyAsync(() -> engine.chat(
                    List.of(ChatMessage.user("Go on")), SamplingParams.greedy(10_000_000), e -> {
                        if (e.index() == 5) engine.cancel();
                    }));
            assertEquals(StopReason.CANCELLED, running.get(30, TimeUnit.SECONDS).stopReason());
            assertEquals(StopReason.CANCELLED, endless.outcomes.poll(30, TimeUnit.SECONDS), "the server kept generating");
            assertFalse(fixture.log.toString().isEmpty());
        }
    }
}
