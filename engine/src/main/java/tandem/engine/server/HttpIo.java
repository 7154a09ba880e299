package tandem.engine.server;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Reading a size-limited JSON body and writing JSON or text answers on an exchange. */
final class HttpIo {
    private HttpIo() {}

    /** The body as JSON; 413 past the limit (checked before reading when the client says its length), 400 when not JSON. */
    static JsonNode readJson(HttpExchange exchange, long limit) throws IOException {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        if (declared != null && declaredOver(declared, limit)) throw ApiError.tooLarge(limit);
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        }
        if (body.length > limit) throw ApiError.tooLarge(limit);
        if (body.length == 0) throw ApiError.invalid("the request body is empty; send a JSON object", null);
        try {
            JsonNode json = Json.MAPPER.readTree(body);
            if (json == null || json.isMissingNode()) throw ApiError.invalid("the request body is empty; send a JSON object", null);
            return json;
        } catch (JacksonException e) {
            String why = e.getOriginalMessage().replaceAll("\\s*\\(start marker at \\[Source[^\\]]*\\]\\)", "");
            throw ApiError.invalid("We could not parse the JSON body of your request: " + why
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")", null);
        }
    }

    private static boolean declaredOver(String declared, long limit) {
        try {
            return Long.parseLong(declared.trim()) > limit;
        } catch (NumberFormatException e) {
            throw ApiError.invalid("Content-Length '" + declared + "' is not a number", null);
        }
    }

    static void sendJson(HttpExchange exchange, int status, JsonNode body) throws IOException {
        send(exchange, status, "application/json", Json.MAPPER.writeValueAsBytes(body));
    }

    static void sendError(HttpExchange exchange, ApiError error) throws IOException {
        if (error.status() == 401) exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        sendJson(exchange, error.status(), error.body());
    }

    static void sendText(HttpExchange exchange, int status, String contentType, String text) throws IOException {
        send(exchange, status, contentType, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] bytes) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
