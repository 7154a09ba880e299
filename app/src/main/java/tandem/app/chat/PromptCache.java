package tandem.app.chat;

import java.util.List;
import tandem.engine.api.ChatMessage;
import tandem.engine.api.ChatSession;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.Session;

/**
 * Re-uses a session's KV cache across answers through the engine's one chat path
 * ({@link ChatSession}): the same template rendering, BOS rule and prefix reuse as {@code tandem chat}.
 */
final class PromptCache {
    private PromptCache() {}

    /**
     * Cuts the session back to the longest prefix it shares with the conversation's prompt and
     * returns the prompt tokens still to evaluate (at least one).
     */
    static int[] reuse(Session session, LoadedModel model, List<ChatMessage> conversation) {
        return ChatSession.reuseCache(session, ChatSession.promptTokens(model, conversation));
    }
}
