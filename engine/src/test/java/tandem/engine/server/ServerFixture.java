package tandem.engine.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import tandem.engine.Engine;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadProgress;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.ServerOptions;
import tandem.engine.gguf.SharedData;

/** stories260K on the CPU behind an {@link OpenAiServer} on a free loopback port, and a raw HTTP client for it. */
public final class ServerFixture implements AutoCloseable {
    public static final String KEY = "test-key-123";
    public static final String MODEL_ID = "stories260K";
    /** Small, so that "prompt over the context" needs only a short prompt. */
    static final int CONTEXT = 256;
    public static final Path STORIES = SharedData.data("models/stories260K.gguf");

    public final LoadedModel model;
    public final OpenAiServer server;
    public final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    public ServerFixture(long maxBodyBytes) {
        this(maxBodyBytes, 1);
    }

    /** @param parallel requests served at once ({@code --parallel}) */
    public ServerFixture(long maxBodyBytes, int parallel) {
        this(Engine.load(STORIES, EngineOptions.cpu().withContextLength(CONTEXT), LoadProgress.NONE, () -> false), maxBodyBytes,
                parallel);
    }

    public ServerFixture(LoadedModel model, long maxBodyBytes) {
        this(model, maxBodyBytes, 1);
    }

    /** @param parallel requests served at once ({@code --parallel}) */
    public ServerFixture(LoadedModel model, long maxBodyBytes, int parallel) {
        this.model = model;
        this.server = OpenAiServer.start(model, new ServerOptions("127.0.0.1", 0, Optional.of(KEY), parallel, maxBodyBytes, MODEL_ID),
                new java.io.PrintStream(log, true, StandardCharsets.UTF_8));
    }

    /** A status and the body as text. */
    record Reply(int status, String body, HttpResponse<String> response) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }
    }

    Reply post(String path, String body) {
        return send(request(path, KEY).POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json"));
    }

    Reply get(String path, String key) {
        return send(request(path, key).GET());
    }

    HttpRequest.Builder request(String path, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(60));
        if (key != null) b.header("Authorization", "Bearer " + key);
        return b;
    }

    Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body(), r);
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        server.close();
        model.close();
    }
}
