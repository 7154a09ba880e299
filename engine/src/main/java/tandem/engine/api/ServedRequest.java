package tandem.engine.api;

/**
 * One completion request the server finished, for a request log (the app's Server screen).
 *
 * @param path             the endpoint, e.g. {@code /v1/chat/completions}
 * @param tokensPerSecond  the engine's decode speed for this request (0 when nothing was generated)
 * @param seconds          from the request's arrival to its last byte
 * @param outcome          the finish reason ("stop", "length"), "client left" or "failed: why"
 */
public record ServedRequest(long endedMillis, String path, int promptTokens, int generatedTokens, double tokensPerSecond,
                            double seconds, String outcome) {}
