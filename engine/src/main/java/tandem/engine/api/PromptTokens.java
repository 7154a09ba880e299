package tandem.engine.api;


/**
 * The one rule that turns prompt text into token ids, for raw prompts and rendered chat templates
 * alike: special tokens written in the text are parsed, and BOS is put first only when the model
 * wants one and the text did not already write it (a Llama-3 template writes {@code <|begin_of_text|>}
 * itself) - what llama.cpp does, so a prompt never starts with two BOS tokens.
 */
public final class PromptTokens {
    private PromptTokens() {}

    /** The ids of text that starts a sequence. */
    public static int[] encode(Tokenizer tokenizer, String text) {
        int[] ids = tokenizer.encode(text, false, true);
        int bos = tokenizer.bosId();
        boolean needsBos = tokenizer.addBosByDefault() && bos >= 0 && (ids.length == 0 || ids[0] != bos);
        if (!needsBos) return ids;
        int[] withBos = new int[ids.length + 1];
        withBos[0] = bos;
        System.arraycopy(ids, 0, withBos, 1, ids.length);
        return withBos;
    }
}
