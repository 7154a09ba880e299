package tandem.engine.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Cuts special tokens written in the text out before the regular tokenizer sees it, as llama.cpp's
 * partition step does: user-defined tokens always, control and unknown tokens only when parsing
 * special tokens is asked for. Longer tokens are cut first, so "<|im_end|>" wins over "<|im".
 */
final class SpecialTokenSplitter {
    /** A piece of the input: a token id, or the text range [start, end) when {@code token < 0}. */
    record Fragment(int token, int start, int end) {
        boolean isText() { return token < 0; }
    }

    private final Vocabulary vocab;
    private final int[] candidates;

    SpecialTokenSplitter(Vocabulary vocab) {
        this.vocab = vocab;
        int special = TokenAttr.CONTROL | TokenAttr.USER_DEFINED | TokenAttr.UNKNOWN;
        this.candidates = IntStream.range(0, vocab.size())
                .filter(id -> vocab.hasAttr(id, special))
                .boxed()
                .sorted(Comparator.comparingInt((Integer id) -> -vocab.text(id).length()).thenComparingInt(id -> id))
                .mapToInt(Integer::intValue)
                .toArray();
    }

    List<Fragment> split(String text, boolean parseSpecial) {
        List<Fragment> fragments = new ArrayList<>();
        if (!text.isEmpty()) fragments.add(new Fragment(-1, 0, text.length()));
        for (int id : candidates) {
            if (!parseSpecial && vocab.hasAttr(id, TokenAttr.CONTROL | TokenAttr.UNKNOWN)) continue;
            String special = vocab.text(id);
            if (!text.contains(special)) continue;
            List<Fragment> next = new ArrayList<>(fragments.size() + 2);
            for (Fragment f : fragments) {
                if (f.isText()) cut(text, f.start(), f.end(), id, special, next);
                else next.add(f);
            }
            fragments = next;
        }
        return fragments;
    }

    private void cut(String text, int start, int end, int id, String special, List<Fragment> out) {
        boolean lstrip = vocab.hasAttr(id, TokenAttr.LSTRIP);
        boolean rstrip = vocab.hasAttr(id, TokenAttr.RSTRIP);
        int pos = start;
        while (pos < end) {
            int match = text.indexOf(special, pos);
            if (match < 0 || match + special.length() > end) break;
            int leftEnd = match;
            if (lstrip) while (leftEnd > pos && isCSpace(text.charAt(leftEnd - 1))) leftEnd--;
            if (leftEnd > pos) out.add(new Fragment(-1, pos, leftEnd));
            out.add(new Fragment(id, match, match + special.length()));
            pos = match + special.length();
            if (rstrip) while (pos < end && isCSpace(text.charAt(pos))) pos++;
        }
        if (pos < end) out.add(new Fragment(-1, pos, end));
    }

    /** C's isspace in the C locale, which the reference uses for the strip rules. */
    private static boolean isCSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }
}
