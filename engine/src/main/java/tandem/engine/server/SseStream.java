package tandem.engine.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A server-sent-event stream as OpenAI writes it: {@code data: JSON} events, {@code data: [DONE]}
 * at the end, and comment lines that keep idle connections open. Every write is flushed, so a
 * client that went away shows up as an IOException at the next one.
 */
final class SseStream {
    private final OutputStream out;

    SseStream(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        out = exchange.getResponseBody();
    }

    void event(JsonNode data) throws IOException {
        write("data: " + Json.MAPPER.writeValueAsString(data) + "\n\n");
    }

    /** A comment line: clients ignore it; it finds out whether the client is still there. */
    void keepAlive() throws IOException {
        write(": keep-alive\n\n");
    }

    void done() throws IOException {
        write("data: [DONE]\n\n");
    }

    private void write(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
