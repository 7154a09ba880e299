package tandem.engine.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.RunningServer;
import tandem.engine.api.ServedRequest;
import tandem.engine.api.ServerOptions;
import tandem.engine.api.TandemException;
import tandem.engine.server.CompletionRequest.Endpoint;

/**
 * The OpenAI-compatible HTTP API over a loaded model: {@code /v1/models}, {@code /v1/chat/completions},
 * {@code /v1/completions}, {@code /health} and {@code /metrics}. Each exchange runs on its own
 * virtual thread; generations wait in a {@link GenerationQueue}. Closing it stops listening, ends
 * the generations and frees their caches; the model stays loaded (its owner closes it).
 */
public final class OpenAiServer implements RunningServer {
    private final HttpServer http;
    private final ExecutorService exchanges = Executors.newVirtualThreadPerTaskExecutor();
    private final ServerOptions options;
    private final GenerationQueue queue;
    private final ServerStats stats = new ServerStats();
    private final CompletionEndpoint chat;
    private final CompletionEndpoint text;
    private final MetricsEndpoint metrics;
    private final long created = System.currentTimeMillis() / 1000;

    private OpenAiServer(LoadedModel model, ServerOptions options, PrintStream log, Consumer<ServedRequest> served,
                         HttpServer http) {
        this.options = options;
        this.http = http;
        this.queue = new GenerationQueue(model, options.parallel());
        this.chat = new CompletionEndpoint(Endpoint.CHAT, model, options.modelId(), queue, stats, log, served);
        this.text = new CompletionEndpoint(Endpoint.TEXT, model, options.modelId(), queue, stats, log, served);
        this.metrics = new MetricsEndpoint(model, queue, stats);
        http.createContext("/", this::exchange);
        http.setExecutor(exchanges);
    }

    /**
     * Binds and starts serving.
     *
     * @throws TandemException when the address cannot be bound (a port in use)
     */
    public static OpenAiServer start(LoadedModel model, ServerOptions options, PrintStream log) {
        return start(model, options, log, request -> { });
    }

    /**
     * Binds and starts serving, telling {@code served} about every completion request when it ends
     * (on the request's thread).
     *
     * @throws TandemException when the address cannot be bound (a port in use)
     */
    public static OpenAiServer start(LoadedModel model, ServerOptions options, PrintStream log, Consumer<ServedRequest> served) {
        InetAddress address = options.address();
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(address, options.port()), 0);
        } catch (BindException e) {
            throw new TandemException("cannot listen on " + options.host() + ":" + options.port() + " (" + e.getMessage()
                    + "); choose another --port");
        } catch (IOException e) {
            throw new TandemException("cannot listen on " + options.host() + ":" + options.port() + ": " + e.getMessage());
        }
        OpenAiServer server;
        try {
            server = new OpenAiServer(model, options, log, served, http);
        } catch (RuntimeException e) {
            http.stop(0); // the slots did not fit: give the port back
            throw e;
        }
        http.start();
        return server;
    }

    @Override
    public int port() { return http.getAddress().getPort(); }

    /** The base URL OpenAI clients take, e.g. {@code http://127.0.0.1:8080/v1}. */
    @Override
    public URI baseUrl() {
        String host = http.getAddress().getAddress().isAnyLocalAddress() ? "127.0.0.1" : http.getAddress().getHostString();
        if (host.contains(":")) host = "[" + host + "]";
        return URI.create("http://" + host + ":" + port() + "/v1");
    }

    private void exchange(HttpExchange exchange) {
        try (exchange) {
            try {
                route(exchange);
            } catch (ApiError e) {
                if (e.status() < 500) stats.refused.incrementAndGet();
                if (exchange.getResponseCode() == -1) HttpIo.sendError(exchange, e);
            } catch (RuntimeException e) {
                if (exchange.getResponseCode() == -1) HttpIo.sendError(exchange, ApiError.server("internal error ("
                        + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")"));
            }
        } catch (IOException e) {
            // the client went away before its answer was written: nothing left to do
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        if (path.equals("/health")) {
            requireMethod(exchange, "GET");
            HttpIo.sendJson(exchange, 200, Json.MAPPER.createObjectNode().put("status", "ok"));
            return;
        }
        authorize(exchange);
        switch (path) {
            case "/v1/models" -> {
                requireMethod(exchange, "GET");
                ObjectNode list = Json.MAPPER.createObjectNode().put("object", "list");
                list.putArray("data").add(modelObject());
                HttpIo.sendJson(exchange, 200, list);
            }
            case "/v1/chat/completions" -> {
                requireMethod(exchange, "POST");
                chat.handle(exchange, CompletionRequest.parse(Endpoint.CHAT, HttpIo.readJson(exchange, options.maxBodyBytes())));
            }
            case "/v1/completions" -> {
                requireMethod(exchange, "POST");
                text.handle(exchange, CompletionRequest.parse(Endpoint.TEXT, HttpIo.readJson(exchange, options.maxBodyBytes())));
            }
            case "/metrics" -> {
                requireMethod(exchange, "GET");
                HttpIo.sendText(exchange, 200, PrometheusText.CONTENT_TYPE, metrics.render());
            }
            default -> {
                if (!path.startsWith("/v1/models/")) throw ApiError.notFound(method, path);
                requireMethod(exchange, "GET");
                String id = path.substring("/v1/models/".length());
                if (!id.equals(options.modelId())) throw ApiError.unknownModel(id);
                HttpIo.sendJson(exchange, 200, modelObject());
            }
        }
    }

    private ObjectNode modelObject() {
        return Json.MAPPER.createObjectNode().put("id", options.modelId()).put("object", "model").put("created", created)
                .put("owned_by", "tandem");
    }

    private static void requireMethod(HttpExchange exchange, String method) {
        if (!exchange.getRequestMethod().equals(method)) {
            exchange.getResponseHeaders().set("Allow", method);
            throw ApiError.methodNotAllowed(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), method);
        }
    }

    /** With an API key, the request must carry it as a bearer token (compared in constant time). */
    private void authorize(HttpExchange exchange) {
        if (options.apiKey().isEmpty()) return;
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiError.unauthorized("You didn't provide an API key. Send it as 'Authorization: Bearer KEY' "
                    + "(the --api-key the server was started with)");
        }
        byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        byte[] expected = options.apiKey().get().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, expected)) {
            throw ApiError.unauthorized("Incorrect API key provided; use the --api-key the server was started with");
        }
    }

    /** Stops listening at once, cancels the generations, and frees the sessions' caches. */
    @Override
    public void close() {
        http.stop(0);
        queue.close();
        exchanges.shutdownNow();
    }
}
