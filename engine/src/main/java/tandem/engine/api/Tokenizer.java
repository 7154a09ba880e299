package tandem.engine.api;

/** Text to token ids and back, built from a GGUF file's tokenizer metadata. Thread-safe. */
public interface Tokenizer {
    /**
     * @param addBos        prepend BOS (callers pass {@link #addBosByDefault()} unless told otherwise)
     * @param parseSpecial  split out special/control tokens written in the text (e.g. "<|eot_id|>")
     */
    int[] encode(String text, boolean addBos, boolean parseSpecial);

    /**
     * Decodes a whole sequence (special tokens rendered as their text only when they are not control tokens).
     * The sequence is taken to start a text: the space an SPM vocabulary prefixes when encoding is
     * removed from the first token (the first after BOS), so decode(encode(s)) == s.
     */
    String decode(int[] ids);

    /**
     * A decoder for tokens arriving one by one: emits text only once it is complete UTF-8. It
     * continues text already shown (generated tokens after a prompt keep their leading spaces),
     * unless its first token is BOS: then the text starts there and the SPM space prefix of the
     * next token is removed.
     */
    StreamingDecoder streamingDecoder();

    int vocabSize();

    /** -1 when the vocabulary has none. */
    int bosId();

    int eosId();

    boolean addBosByDefault();

    /** EOS, EOT, EOM and end-of-turn tokens such as {@code <|im_end|>}. */
    boolean isEndOfGeneration(int id);

    /** The raw piece of a token, e.g. "▁the" or "Ġthe". */
    String piece(int id);

    /** Receives tokens one at a time and returns the text they complete. */
    interface StreamingDecoder {
        /** Returns the newly completed text (possibly empty). */
        String accept(int id);

        /** Text held back at the end (an incomplete character is rendered as U+FFFD). */
        String flush();
    }
}
