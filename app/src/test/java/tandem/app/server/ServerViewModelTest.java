package tandem.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import javafx.beans.property.ReadOnlyObjectWrapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tandem.app.AppPaths;
import tandem.app.concurrent.AppExecutors;
import tandem.engine.Engine;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.ServedRequest;

/** The Server switch on the demo model, called with Java's own HTTP client. */
class ServerViewModelTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final ReadOnlyObjectWrapper<LoadedModel> model = new ReadOnlyObjectWrapper<>();
    private LoadedModel demo;
    private ServerViewModel server;

    @BeforeEach
    void setUp() {
        demo = load();
        model.set(demo);
        server = new ServerViewModel(AppExecutors.direct(), model.getReadOnlyProperty());
        server.portProperty().set(0); // any free port
        server.apiKeyProperty().set("secret");
    }

    @AfterEach
    void tearDown() {
        server.stop();
        if (model.get() != null) model.get().close();
    }

    private static LoadedModel load() {
        return Engine.load(AppPaths.fromEnvironment().demoModel(), EngineOptions.cpu(), (f, s) -> { }, () -> false);
    }

    @Test
    void servesTheLoadedModelLogsEachRequestAndStopFreesThePort() throws Exception {
        server.start();
        assertEquals("", server.problemProperty().get());
        assertTrue(server.runningProperty().get());
        URI base = URI.create(server.baseUrlProperty().get() + "/");
        assertTrue(base.toString().startsWith("http://127.0.0.1:"), base.toString());
        assertEquals("stories260K", server.servedModelProperty().get());

        HttpResponse<String> wrongKey = post(base, "completions", "{\"prompt\":\"Once\"}", "nope");
        assertEquals(401, wrongKey.statusCode());
        assertTrue(server.log().isEmpty(), "a refused request is no answer");

        // llama.cpp's greedy continuation of the demo prompt (60 tokens) is the independent reference
        JsonNode expected = JSON.readTree(Path.of(System.getProperty("tandem.shared", "../shared"), "data", "models", "stories260K.expected.json").toFile()).get("cases").get(0);
        HttpResponse<String> answer = post(base, "completions", JSON.createObjectNode().put("model", "stories260K")
                .put("prompt", expected.get("prompt").asText()).put("max_tokens", 60).put("temperature", 0).toString(), "secret");
        assertEquals(200, answer.statusCode(), answer.body());
        JsonNode body = JSON.readTree(answer.body());
        assertEquals(expected.get("continuation").asText(), body.at("/choices/0/text").asText());

        // the server logs a request after its last byte is sent, so the client may read the answer first
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (server.log().isEmpty() && System.nanoTime() < deadline) Thread.sleep(10);
        assertEquals(1, server.log().size());
        ServedRequest logged = server.log().getFirst();
        assertEquals("/v1/completions", logged.path());
        assertEquals(body.at("/usage/completion_tokens").asInt(), logged.generatedTokens());
        assertEquals(body.at("/usage/prompt_tokens").asInt(), logged.promptTokens());
        assertEquals("length", logged.outcome());
        assertTrue(logged.tokensPerSecond() > 0);

        int port = base.getPort();
        server.stop();
        assertFalse(server.runningProperty().get());
        assertEquals("", server.baseUrlProperty().get());
        try (ServerSocket free = new ServerSocket(port)) {
            assertEquals(port, free.getLocalPort(), "the port is free again");
        }
    }

    @Test
    void aReloadServesTheNewModelOnTheSamePortAndAnUnloadStops() throws Exception {
        server.start();
        String url = server.baseUrlProperty().get();
        LoadedModel reloaded = load();
        model.set(reloaded);
        demo.close(); // as the Model screen does after the switch
        assertEquals(url, server.baseUrlProperty().get());
        HttpResponse<String> answer = post(URI.create(url + "/"), "chat/completions",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":4}", "secret");
        assertEquals(200, answer.statusCode(), answer.body());

        model.set(null);
        reloaded.close();
        assertFalse(server.runningProperty().get());
        assertEquals("Serving stopped: the model was unloaded.", server.problemProperty().get());
        assertFalse(server.canStartProperty().get());
    }

    private HttpResponse<String> post(URI base, String path, String json, String key) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
