package tandem.engine.api;

/**
 * One conversation's state on a loaded model: its KV cache and position. Not thread-safe, except
 * {@link #cancel()}, which any thread may call to end the running generation.
 */
public interface Session extends AutoCloseable {
    /**
     * Tokenizes the text (when the session is empty, with {@link PromptTokens}' BOS rule), evaluates it
     * and generates until an end token, a stop string, maxTokens or cancellation.
     */
    GenerationResult generate(String prompt, SamplingParams params, TokenListener listener);

    /** Same as {@link #generate} with prompt token ids given (nothing is added). */
    GenerationResult generate(int[] promptTokens, SamplingParams params, TokenListener listener);

    /** Evaluates tokens (appending them to the cache) and returns the last position's logits. */
    float[] evaluate(int[] tokens);

    /**
     * Evaluates tokens one at a time, each as its own decode step, as a generation does (without
     * sampling): what a decode benchmark times. Sessions doing this at once share their steps.
     */
    default void evaluateEach(int[] tokens) {
        for (int token : tokens) evaluate(new int[] {token});
    }

    /** Tokens in the cache. */
    int position();

    int contextLength();

    /** The token ids in the cache, oldest first ({@link #position()} of them). */
    int[] tokens();

    /**
     * Forgets everything from {@code position} on, keeping the cache before it: regenerate and
     * edit-and-resend re-use the common prefix of a conversation instead of evaluating it again.
     */
    void truncate(int position);

    /** Forgets the conversation (empties the cache). */
    void reset();

    /** Ends the running generation soon, from any thread; it returns with {@link StopReason#CANCELLED}. */
    void cancel();

    @Override
    void close();
}
