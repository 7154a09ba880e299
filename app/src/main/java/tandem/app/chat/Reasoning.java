package tandem.app.chat;

/**
 * An answer split into the model's reasoning and the answer itself: Qwen3 and the DeepSeek-R1
 * distills write their thoughts between {@code <think>} and {@code </think>} before answering
 * (the R1 templates put the opening tag into the prompt, so the answer may start inside it).
 *
 * @param thinking the reasoning, empty when the answer has none
 * @param answer   what follows the reasoning
 * @param open     the reasoning has not ended yet (still streaming, or cut off)
 */
public record Reasoning(String thinking, String answer, boolean open) {
    static final String OPEN = "<think>";
    static final String CLOSE = "</think>";

    public static Reasoning of(String text) {
        String body = text.stripLeading();
        boolean opened = body.startsWith(OPEN);
        if (opened) body = body.substring(OPEN.length());
        int close = body.indexOf(CLOSE);
        if (close >= 0) {
            return new Reasoning(body.substring(0, close).strip(), body.substring(close + CLOSE.length()).stripLeading(), false);
        }
        if (opened) return new Reasoning(body.strip(), "", true);
        return new Reasoning("", text, false);
    }

    public boolean hasThinking() { return open || !thinking.isEmpty(); }
}
