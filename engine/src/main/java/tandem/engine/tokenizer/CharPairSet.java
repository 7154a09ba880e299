package tandem.engine.tokenizer;

/**
 * Every pair of adjacent UTF-16 units that occurs inside some vocabulary piece. Where two
 * neighbouring characters of a text form no such pair, no piece can span them, so no merge ever
 * joins across that point.
 */
final class CharPairSet {
    private final LongIntMap pairs;

    CharPairSet(Vocabulary vocab) {
        long total = 0;
        for (int id = 0; id < vocab.size(); id++) total += Math.max(0, vocab.text(id).length() - 1);
        pairs = new LongIntMap((int) Math.min(Integer.MAX_VALUE / 4, Math.max(16, total)));
        for (int id = 0; id < vocab.size(); id++) {
            String text = vocab.text(id);
            for (int i = 1; i < text.length(); i++) pairs.putIfAbsent(key(text.charAt(i - 1), text.charAt(i)), 1);
        }
    }

    boolean contains(char first, char second) { return pairs.get(key(first, second)) >= 0; }

    private static long key(char first, char second) { return ((long) first << 16) | second; }
}
