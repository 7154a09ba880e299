package tandem.engine.server;

import java.io.PrintStream;
import java.util.Optional;
import java.util.function.Consumer;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.RemoteModel;
import tandem.engine.api.RunningServer;
import tandem.engine.api.ServedRequest;
import tandem.engine.api.ServerOptions;

/**
 * The front door to the HTTP side of the engine, as {@link tandem.engine.Engine} is to models:
 * serving a loaded model, and using a model another server serves. Callers outside the engine
 * (the app) see only the API types it returns.
 */
public final class HttpApi {
    private HttpApi() {}

    /**
     * Binds and starts serving {@code model}, telling {@code served} about every completion request
     * when it ends (on the request's thread).
     *
     * @throws tandem.engine.api.TandemException when the address cannot be bound (a port in use)
     */
    public static RunningServer serve(LoadedModel model, ServerOptions options, PrintStream log, Consumer<ServedRequest> served) {
        return OpenAiServer.start(model, options, log, served);
    }

    /**
     * A client of the OpenAI-compatible server at {@code baseUrl} (e.g. {@code http://host:8000/v1}).
     *
     * @param model the model to ask for; empty: the first one the server lists (asked for here)
     * @throws tandem.engine.api.TandemException for a URL that is not http(s), or a server that cannot be reached
     */
    public static RemoteModel connect(String baseUrl, Optional<String> apiKey, Optional<String> model) {
        return new RemoteEngine(baseUrl, apiKey, model);
    }
}
