package tandem.engine.server;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The server's one Jackson mapper (thread-safe once configured). */
final class Json {
    private Json() {}

    static final ObjectMapper MAPPER = new ObjectMapper();
}
