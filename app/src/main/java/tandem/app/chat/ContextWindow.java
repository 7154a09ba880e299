package tandem.app.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import tandem.app.settings.ContextPolicy;
import tandem.engine.api.ChatMessage;
import tandem.engine.api.PromptTokens;
import tandem.engine.api.TandemException;
import tandem.engine.api.Tokenizer;

/**
 * Decides which messages of a conversation the model sees, so that the prompt and room for the
 * answer fit in its context. With {@link ContextPolicy#ROLLING_WINDOW} the oldest turns are left
 * out (whole turns: a question with its answers), never the system prompt or the last question.
 */
final class ContextWindow {
    private ContextWindow() {}

    /**
     * @param messages     what the model sees
     * @param leftOut      how many messages of the conversation were left out (0: all fit)
     * @param promptTokens the rendered prompt's length in tokens
     */
    record Fitted(List<ChatMessage> messages, int leftOut, int promptTokens) {}

    /**
     * @param reserve tokens to keep free for the answer
     * @throws TandemException when the policy is STOP and the conversation does not fit, or when
     *                         even the system prompt and the last question alone do not fit
     */
    static Fitted fit(List<ChatMessage> conversation, Function<List<ChatMessage>, String> format, Tokenizer tokenizer,
                      int contextLength, int reserve, ContextPolicy policy) {
        int tokens = count(conversation, format, tokenizer);
        if (tokens + reserve <= contextLength) return new Fitted(conversation, 0, tokens);
        if (policy == ContextPolicy.STOP) {
            if (tokens < contextLength) return new Fitted(conversation, 0, tokens); // the answer may get cut short
            throw new TandemException(String.format(Locale.ROOT,
                    "This conversation fills the model's context (%d of %d tokens). Start a new chat, or choose "
                            + "'When full: rolling window' under the chat to leave out the oldest turns.", tokens, contextLength));
        }
        List<ChatMessage> system = conversation.stream().filter(m -> m.role().equals("system")).toList();
        List<ChatMessage> turns = new ArrayList<>(conversation.stream().filter(m -> !m.role().equals("system")).toList());
        int leftOut = 0;
        while (tokens + reserve > contextLength && turns.size() > 1) {
            int cut = turnsToDrop(turns);
            turns.subList(0, cut).clear();
            leftOut += cut;
            List<ChatMessage> kept = new ArrayList<>(system);
            kept.addAll(turns);
            tokens = count(kept, format, tokenizer);
        }
        if (tokens >= contextLength) {
            throw new TandemException(String.format(Locale.ROOT,
                    "The system prompt and your last message alone need %d tokens, more than the model's context of %d: "
                            + "shorten them, or load the model with a longer context.", tokens, contextLength));
        }
        List<ChatMessage> kept = new ArrayList<>(system);
        kept.addAll(turns);
        return new Fitted(List.copyOf(kept), leftOut, tokens);
    }

    /** The first turn: the leading message and every non-user message after it (at least one message, never the last). */
    private static int turnsToDrop(List<ChatMessage> turns) {
        int cut = 1;
        while (cut < turns.size() - 1 && !turns.get(cut).role().equals(MessageViewModel.USER)) cut++;
        return cut;
    }

    static int count(List<ChatMessage> messages, Function<List<ChatMessage>, String> format, Tokenizer tokenizer) {
        return PromptTokens.encode(tokenizer, format.apply(messages)).length;   // the engine's one BOS rule
    }

    /** The notice shown in the conversation above an answer that saw only part of it. */
    static String notice(int leftOut, int contextLength) {
        return String.format(Locale.ROOT, "%d earlier message%s no longer fit in the model's context (%d tokens) and "
                + "were left out of this answer (rolling window).", leftOut, leftOut == 1 ? "" : "s", contextLength);
    }
}
