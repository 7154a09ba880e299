package tandem.engine.chat;

import tandem.engine.api.Tokenizer;

/**
 * Turns a harmony model's generated messages ({@link Harmony}) into the text every reasoning model
 * streams: the {@code analysis} channel between {@code <think>} and {@code </think>}, the other
 * channels' content as the answer, the structure itself (roles, channel headers, {@code <|end|>})
 * left out. So {@code <|channel|>analysis<|message|>Let me add.<|end|><|start|>assistant<|channel|>final<|message|>4}
 * streams as {@code <think>Let me add.</think>4}, which the app folds into its Thinking section like
 * Qwen3's. Works per token: the structure tokens are single special tokens.
 */
public final class HarmonyChannels {
    private enum State { CONTENT, ROLE, HEADER }

    private final int start, channel, message, end;
    private final StringBuilder header = new StringBuilder();
    private State state = State.CONTENT;
    private boolean thinking;

    /** @param start, channel, message, end the ids of {@code <|start|>}, {@code <|channel|>}, {@code <|message|>}, {@code <|end|>} */
    public HarmonyChannels(int start, int channel, int message, int end) {
        this.start = start;
        this.channel = channel;
        this.message = message;
        this.end = end;
    }

    /** The mapper for a harmony vocabulary, null for any other. */
    public static HarmonyChannels forVocabulary(Tokenizer tokenizer) {
        if (!Harmony.vocabularyOf(tokenizer)) return null;
        return new HarmonyChannels(Harmony.specialId(tokenizer, Harmony.START), Harmony.specialId(tokenizer, Harmony.CHANNEL),
                Harmony.specialId(tokenizer, Harmony.MESSAGE), Harmony.specialId(tokenizer, Harmony.END));
    }

    /** The text to show for generated token {@code id}, whose decoded text is {@code piece}. */
    public String accept(int id, String piece) {
        if (id == start) {
            state = State.ROLE;   // the role ("assistant") follows, not shown
            return "";
        }
        if (id == channel) {
            state = State.HEADER;
            header.setLength(0);
            return "";
        }
        if (id == message) {
            // the header named the channel ("analysis", "final", "commentary to=..."); content follows
            boolean analysis = state == State.HEADER && header.toString().strip().startsWith("analysis");
            state = State.CONTENT;
            if (analysis == thinking) return "";
            thinking = analysis;
            return analysis ? "<think>" : "</think>";
        }
        if (id == end) return "";   // ends a message; the next message's channel decides what follows
        if (state == State.HEADER) header.append(piece);
        return state == State.CONTENT ? piece : "";
    }
}
