package tandem.engine.tokenizer;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tandem.engine.api.Tokenizer;

/** Small in-code vocabularies for testing the algorithms piece by piece. */
final class TinyVocab {
    private TinyVocab() {}

    /**
     * An SPM vocabulary: {@code <unk> <s> </s>}, the 256 byte tokens, then the given pieces with
     * their scores (in order).
     */
    static Tokenizer spm(Map<String, Float> pieces, Boolean addSpacePrefix) {
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        List<Integer> types = new ArrayList<>(List.of(2, 3, 3));
        List<Float> scores = new ArrayList<>(List.of(0f, 0f, 0f));
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
            types.add(6);
            scores.add(0f);
        }
        pieces.forEach((text, score) -> {
            tokens.add(text);
            types.add(1);
            scores.add(score);
        });
        float[] s = new float[scores.size()];
        for (int i = 0; i < s.length; i++) s[i] = scores.get(i);
        TokenizerSpec spec = TokenizerSpec.spm(tokens, s, types.stream().mapToInt(Integer::intValue).toArray());
        spec = new TokenizerSpec(spec.model(), null, spec.tokens(), spec.scores(), spec.tokenTypes(), null,
                null, null, null, null, null, null, null, null, addSpacePrefix, "tiny-spm");
        return Tokenizers.build(spec, new PrintStream(new ByteArrayOutputStream()));
    }

    /** Pieces in insertion order with the given scores: spm("a", -1f, "ab", -2f, ...). */
    static Map<String, Float> scored(Object... textScorePairs) {
        Map<String, Float> m = new LinkedHashMap<>();
        for (int i = 0; i < textScorePairs.length; i += 2) m.put((String) textScorePairs[i], (Float) textScorePairs[i + 1]);
        return m;
    }

    /**
     * A byte-level BPE vocabulary: the 256 byte characters (ids 0..255 in byte order), then each
     * merge's result (in merge order), then the extra tokens with their GGUF types.
     */
    static TokenizerSpec bpeSpec(String pre, List<String> merges, Map<String, Integer> extraTokens) {
        List<String> tokens = new ArrayList<>();
        List<Integer> types = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(ByteLevel.charOf(b)));
            types.add(1);
        }
        for (String merge : merges) {
            String merged = merge.replace(" ", "");
            if (!tokens.contains(merged)) {
                tokens.add(merged);
                types.add(1);
            }
        }
        extraTokens.forEach((text, type) -> {
            tokens.add(text);
            types.add(type);
        });
        return TokenizerSpec.bpe(pre, tokens, types.stream().mapToInt(Integer::intValue).toArray(), merges);
    }

    static Tokenizer build(TokenizerSpec spec) {
        return Tokenizers.build(spec, new PrintStream(new ByteArrayOutputStream()));
    }

    /** The pieces of the ids, for readable assertions. */
    static List<String> pieces(Tokenizer tok, int[] ids) {
        List<String> out = new ArrayList<>();
        for (int id : ids) out.add(tok.piece(id));
        return out;
    }
}
