package tandem.engine.api;

import java.net.URI;

/** A model being served over the OpenAI-compatible HTTP API; closing it stops listening (the model stays loaded). */
public interface RunningServer extends AutoCloseable {
    /** The port it listens on (the one picked when the options asked for 0). */
    int port();

    /** The base URL OpenAI clients take, e.g. {@code http://127.0.0.1:8080/v1}. */
    URI baseUrl();

    /** Stops listening at once and ends the generations in flight; the port is free when this returns. */
    @Override
    void close();
}
