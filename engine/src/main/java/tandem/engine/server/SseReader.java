package tandem.engine.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Reads server-sent events as OpenAI-compatible servers write them: {@code data:} lines (joined by
 * newlines when several), a blank line ending each event, comment lines ({@code :}) ignored. An
 * {@code error:} line - what older llama.cpp servers send when a stream fails - is an event of
 * its own, named "error".
 */
final class SseReader {
    /** One event: its name ("message" unless the server said otherwise) and its data. */
    record Event(String name, String data) {}

    private final BufferedReader lines;

    SseReader(InputStream in) {
        this.lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    /** The next event, or null at the end of the stream. */
    Event next() throws IOException {
        StringBuilder data = null;
        String name = "message";
        String line;
        while ((line = lines.readLine()) != null) {
            if (line.isEmpty()) {
                if (data != null) return new Event(name, data.toString());
                name = "message";
                continue;
            }
            if (line.startsWith(":")) continue;
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) value = value.substring(1);
            switch (field) {
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                case "event" -> name = value;
                case "error" -> {
                    name = "error";
                    data = new StringBuilder(value);
                }
                default -> { } // id, retry and unknown fields do not matter here
            }
        }
        return data == null ? null : new Event(name, data.toString());
    }
}
