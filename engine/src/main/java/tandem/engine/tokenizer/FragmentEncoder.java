package tandem.engine.tokenizer;

/** Turns one stretch of plain text (no special tokens in it) into token ids. */
interface FragmentEncoder {
    /**
     * @param text           the fragment
     * @param startsSequence true when nothing but special tokens precede it (SPM then adds its space prefix)
     * @param out            receives the ids
     */
    void encode(String text, boolean startsSequence, IdList out);
}
