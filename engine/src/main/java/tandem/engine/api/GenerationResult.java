package tandem.engine.api;

/**
 * The outcome of one generation, with timings measured by the engine itself.
 *
 * @param text                   the generated text (stop string removed)
 * @param promptTokens           tokens evaluated for the prompt
 * @param generatedTokens        tokens generated
 * @param promptTokensPerSecond  prefill speed
 * @param tokensPerSecond        decode speed (from the first generated token on)
 * @param timeToFirstTokenMillis from start to the first generated token
 */
public record GenerationResult(String text, int promptTokens, int generatedTokens,
                               double promptTokensPerSecond, double tokensPerSecond,
                               double timeToFirstTokenMillis, StopReason stopReason) {}
