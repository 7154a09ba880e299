package tandem.app.chat;

import java.util.Arrays;
import tandem.engine.runtime.Session;
import tandem.engine.tokenizer.Tokenizer;

/**
 * Re-uses a session's KV cache across answers: the new prompt (the whole conversation) usually
 * starts with the tokens the cache already holds, so only the rest needs evaluating.
 */
final class PromptCache {
    private PromptCache() {}

    /**
     * Cuts the session back to the longest prefix it shares with the prompt and returns the prompt
     * tokens still to evaluate (at least one: the last prompt token's logits start the answer).
     */
    static int[] reuse(Session session, Tokenizer tokenizer, String prompt) {
        int[] ids = tokenizer.encode(prompt, tokenizer.addBosByDefault(), true);
        int keep = Math.min(commonPrefix(session.tokens(), ids), ids.length - 1);
        if (keep <= 0) {
            session.reset();
            return ids;
        }
        session.truncate(keep);
        return Arrays.copyOfRange(ids, keep, ids.length);
    }

    static int commonPrefix(int[] a, int[] b) {
        int mismatch = Arrays.mismatch(a, b);
        return mismatch < 0 ? a.length : mismatch;
    }
}
