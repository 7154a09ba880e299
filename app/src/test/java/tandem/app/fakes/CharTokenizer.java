package tandem.app.fakes;

import tandem.engine.api.Tokenizer;

/** One token per UTF-16 character, no BOS: enough to test the app's use of token prefixes. */
final class CharTokenizer implements Tokenizer {
    @Override public int[] encode(String text, boolean addBos, boolean parseSpecial) { return text.chars().toArray(); }
    @Override public String decode(int[] ids) {
        StringBuilder s = new StringBuilder();
        for (int id : ids) s.append((char) id);
        return s.toString();
    }
    @Override public StreamingDecoder streamingDecoder() {
        return new StreamingDecoder() {
            @Override public String accept(int id) { return String.valueOf((char) id); }
            @Override public String flush() { return ""; }
        };
    }
    @Override public int vocabSize() { return 65536; }
    @Override public int bosId() { return -1; }
    @Override public int eosId() { return -1; }
    @Override public boolean addBosByDefault() { return false; }
    @Override public boolean isEndOfGeneration(int id) { return false; }
    @Override public String piece(int id) { return String.valueOf((char) id); }
}
