package tandem.engine.api;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * How {@code tandem serve} listens.
 *
 * @param host          address to bind; anything but loopback is refused without an API key
 * @param port          0 picks a free port
 * @param apiKey        when present, every request but /health must carry {@code Authorization: Bearer KEY}
 * @param parallel      requests served at once, each with its own KV cache; their decode steps are shared
 * @param maxBodyBytes  larger request bodies are refused with 413
 * @param modelId       the name /v1/models lists and requests may name
 */
public record ServerOptions(String host, int port, Optional<String> apiKey, int parallel, long maxBodyBytes, String modelId) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    /** Slots a server may have: each holds a KV cache of the whole context. */
    public static final int MAX_PARALLEL = 64;
    /** Large enough for a 128k-token conversation written out as JSON. */
    public static final long DEFAULT_MAX_BODY_BYTES = 8L << 20;

    public ServerOptions {
        apiKey = apiKey.filter(k -> !k.isEmpty());
        if (port < 0 || port > 65535) throw new TandemException("--port must be in 0-65535 (0: any free port), got " + port);
        if (parallel < 1 || parallel > MAX_PARALLEL) {
            throw new TandemException("--parallel " + parallel + ": give the number of requests served at once, 1 to " + MAX_PARALLEL
                    + " (each has a KV cache of --ctx tokens)");
        }
        if (!address(host).isLoopbackAddress() && apiKey.isEmpty()) {
            throw new TandemException("--host " + host + " lets other machines use the model: give --api-key KEY too (or keep "
                    + "the default " + DEFAULT_HOST + ")");
        }
        if (maxBodyBytes < 1) throw new IllegalArgumentException("maxBodyBytes must be >= 1, got " + maxBodyBytes);
    }

    /** The name a model is served under: its file name without {@code .gguf}. */
    public static String modelIdFor(java.nio.file.Path modelFile) {
        String name = modelFile.getFileName().toString();
        return name.endsWith(".gguf") ? name.substring(0, name.length() - 5) : name;
    }

    /** The address to bind. */
    public InetAddress address() { return address(host); }

    private static InetAddress address(String host) {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new TandemException("--host " + host + ": unknown host; give an address such as 127.0.0.1 or 0.0.0.0");
        }
    }
}
