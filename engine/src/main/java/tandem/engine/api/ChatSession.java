package tandem.engine.api;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * One conversation on a loaded model, the single chat path of the app, {@code tandem chat} and
 * {@code tandem serve}: renders the conversation with the model's chat template, turns it into ids
 * with {@link PromptTokens}, and evaluates only the ids its KV cache does not already hold. Not
 * thread-safe, except {@link #cancel()}.
 */
public final class ChatSession implements AutoCloseable {
    private final LoadedModel model;
    private final Session session;

    /** A conversation with its own KV cache on the model. */
    public ChatSession(LoadedModel model) {
        this.model = model;
        this.session = model.newSession();
    }

    /**
     * Whether the model's chat template sends a system prompt to the model at all. Some do not (the
     * Phi-3 template writes user and assistant turns only; others refuse a system role): a system
     * prompt would then vanish without a word, so the app and {@code tandem chat} say so.
     */
    public static boolean templateKeepsSystemPrompt(LoadedModel model) {
        return keepsSystemPrompt(conversation -> model.formatChat(conversation, true));
    }

    /** {@link #templateKeepsSystemPrompt} for any renderer of a conversation. */
    public static boolean keepsSystemPrompt(Function<List<ChatMessage>, String> render) {
        String probe = "tandem-system-probe-4f1c";
        try {
            return render.apply(List.of(ChatMessage.system(probe), ChatMessage.user("Hi"))).contains(probe);
        } catch (TandemException e) {
            return false; // a template that raises for a system message ("System role not supported")
        }
    }

    /** The prompt ids of a conversation, ending with the header of the assistant's turn. */
    public static int[] promptTokens(LoadedModel model, List<ChatMessage> conversation) {
        return PromptTokens.encode(model.tokenizer(), model.formatChat(conversation, true));
    }

    /**
     * Cuts the session back to the longest prefix it shares with the prompt and returns the prompt
     * ids still to evaluate: at least one, since the last prompt token's logits start the answer.
     */
    public static int[] reuseCache(Session session, int[] prompt) {
        int shared = Arrays.mismatch(session.tokens(), prompt);
        if (shared < 0) shared = prompt.length;
        int keep = Math.min(shared, prompt.length - 1);
        if (keep <= 0) {
            session.reset();
            return prompt;
        }
        session.truncate(keep);
        return Arrays.copyOfRange(prompt, keep, prompt.length);
    }

    /** Answers the conversation (its last message is usually the user's). */
    public GenerationResult reply(List<ChatMessage> conversation, SamplingParams params, TokenListener listener) {
        return generate(promptTokens(model, conversation), params, listener);
    }

    /** Continues raw text, without a chat template. */
    public GenerationResult complete(String text, SamplingParams params, TokenListener listener) {
        return generate(PromptTokens.encode(model.tokenizer(), text), params, listener);
    }

    /** Generates after a whole prompt (from {@link #promptTokens} or {@link PromptTokens}), re-using the cache. */
    public GenerationResult generate(int[] prompt, SamplingParams params, TokenListener listener) {
        return session.generate(reuseCache(session, prompt), params, listener);
    }

    /** Tokens at the start of the prompt that the cache already holds (not thread-safe against a running generation). */
    public int sharedPrefix(int[] prompt) {
        int shared = Arrays.mismatch(session.tokens(), prompt);
        return shared < 0 ? Math.min(session.position(), prompt.length) : shared;
    }

    /** KV-cache length in tokens: a prompt must leave room for at least one generated token. */
    public int contextLength() { return session.contextLength(); }

    /** Ends the running generation soon, from any thread. */
    public void cancel() { session.cancel(); }

    /** Forgets the conversation's cache. */
    public void reset() { session.reset(); }

    @Override
    public void close() { session.close(); }
}
