package tandem.app.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javafx.beans.property.ReadOnlyObjectWrapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.app.AppPaths;
import tandem.app.chat.ChatHistory;
import tandem.app.chat.ChatViewModel;
import tandem.app.chat.MessageViewModel;
import tandem.app.concurrent.AppExecutors;
import tandem.app.settings.SettingsService;
import tandem.engine.Engine;
import tandem.engine.api.ChatMessage;
import tandem.engine.api.ChatSession;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.RunningServer;
import tandem.engine.api.SamplingParams;
import tandem.engine.api.ServedRequest;
import tandem.engine.api.ServerOptions;
import tandem.engine.api.StopReason;
import tandem.engine.server.HttpApi;

/**
 * The chat with a remote engine: {@code tandem serve}'s server on the demo model, started here,
 * and a chat that has no local model at all.
 */
class RemoteViewModelTest {
    @TempDir Path dir;
    private LoadedModel served;
    private RunningServer server;
    private final BlockingQueue<ServedRequest> answered = new LinkedBlockingQueue<>();
    private final ExecutorService engineThread = Executors.newSingleThreadExecutor();
    private RemoteViewModel remote;
    private ChatViewModel chat;

    @BeforeEach
    void setUp() {
        served = Engine.load(AppPaths.fromEnvironment().demoModel(), EngineOptions.cpu(), (f, s) -> { }, () -> false);
        server = serve(served);
        remote = new RemoteViewModel(AppExecutors.direct());
        remote.urlProperty().set(server.baseUrl().toString());
        SettingsService settings = new SettingsService(dir.resolve("settings.json"), Runnable::run);
        chat = new ChatViewModel(new AppExecutors(Runnable::run, engineThread, Runnable::run),
                new ReadOnlyObjectWrapper<LoadedModel>().getReadOnlyProperty(), ChatHistory.store(dir.resolve("history.json")), settings);
        chat.remoteProperty().bind(remote.activeProperty());
        chat.sampling().temperatureProperty().set(0.0);
    }

    private RunningServer serve(LoadedModel model) {
        return HttpApi.serve(model, new ServerOptions("127.0.0.1", 0, Optional.of("secret"), 1, ServerOptions.DEFAULT_MAX_BODY_BYTES,
                "stories260K"), new PrintStream(OutputStream.nullOutputStream()), answered::add);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        engineThread.shutdown();
        engineThread.awaitTermination(30, TimeUnit.SECONDS);
        server.close();
        served.close();
    }

    @Test
    void aWrongKeyIsRefusedThenTheModelIsListedAndTheChatStreamsFromIt() throws Exception {
        remote.apiKeyProperty().set("wrong");
        remote.connect();
        assertTrue(remote.problemProperty().get().contains("401"), remote.problemProperty().get());
        assertTrue(remote.models().isEmpty());

        remote.apiKeyProperty().set("secret");
        remote.connect();
        assertEquals("", remote.problemProperty().get());
        assertEquals(List.of("stories260K"), remote.models());
        assertEquals("stories260K", remote.chosenModelProperty().get());
        assertFalse(chat.modelReadyProperty().get(), "no local model, no remote yet");

        assertEquals("stories260K.gguf · CPU", remote.headerStatus("stories260K.gguf · CPU"), "local until Use");
        remote.use();
        assertNotNull(remote.activeProperty().get());
        assertEquals("remote: stories260K at " + server.baseUrl() + "/ (local: stories260K.gguf · CPU)",
                remote.headerStatus("stories260K.gguf · CPU"), "the header names the engine that answers");
        assertTrue(chat.modelReadyProperty().get());
        chat.sampling().maxTokensProperty().set(24);
        chat.inputProperty().set("Tell me a story");
        chat.send();
        waitUntilDone();

        MessageViewModel reply = chat.selectedProperty().get().messages().getLast();
        // the engine's own chat path on the same model, greedy, is the reference for what came over the wire
        try (ChatSession local = new ChatSession(served)) {
            String expected = local.reply(List.of(ChatMessage.user("Tell me a story")), SamplingParams.greedy(24), e -> { }).text();
            assertEquals(expected, reply.text());
        }
        assertEquals("", reply.problemProperty().get());
        assertEquals(24, reply.statsProperty().get().generatedTokens());
        RemoteSpeed speed = remote.speedProperty().get();
        assertFalse(speed.streaming());
        assertEquals(24, speed.tokens());
        assertTrue(speed.tokensPerSecond() > 0 && speed.firstTokenMillis() > 0, speed.toString());
        assertEquals("length", answered.poll(10, TimeUnit.SECONDS).outcome());
    }

    @Test
    void stopEndsTheRemoteGeneration() throws Exception {
        // the demo model would write all 400 tokens before the stop reaches the server: 400 x 10 ms leaves it 4 s
        server.close();
        server = serve(new PacedModel(served, 10));
        remote.urlProperty().set(server.baseUrl().toString());
        remote.apiKeyProperty().set("secret");
        remote.connect();
        remote.use();
        chat.sampling().maxTokensProperty().set(400);
        chat.newConversation();
        MessageViewModel[] reply = new MessageViewModel[1];
        chat.selectedProperty().get().messages().addListener((javafx.collections.ListChangeListener<MessageViewModel>) c -> {
            MessageViewModel last = c.getList().getLast();
            if (last.isUser()) return;
            reply[0] = last;
            last.textProperty().addListener((obs, old, now) -> {
                if (!now.isEmpty()) chat.stop(); // as soon as the answer starts coming
            });
        });
        chat.inputProperty().set("Tell me a long story");
        chat.send();
        waitUntilDone();

        assertEquals(StopReason.CANCELLED, reply[0].statsProperty().get().stopReason());
        assertFalse(reply[0].text().isEmpty(), "what came before the stop stays");
        ServedRequest request = answered.poll(10, TimeUnit.SECONDS);
        assertNotNull(request, "the server ended the request");
        assertEquals("client left", request.outcome());

        remote.disconnect();
        assertNull(chat.remoteProperty().get());
        assertFalse(chat.modelReadyProperty().get());
    }

    private void waitUntilDone() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Thread.sleep(50);
        while (chat.generatingProperty().get()) {
            assertTrue(System.nanoTime() < deadline, "the answer ends");
            Thread.sleep(20);
        }
        engineThread.submit(() -> { }).get(); // the engine thread's last UI work has run
    }
}
