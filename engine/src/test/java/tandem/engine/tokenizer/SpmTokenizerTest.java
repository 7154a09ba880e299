package tandem.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static tandem.engine.tokenizer.TinyVocab.pieces;
import static tandem.engine.tokenizer.TinyVocab.scored;

import java.util.List;
import org.junit.jupiter.api.Test;

import tandem.engine.api.Tokenizer;

/** SentencePiece merging on tiny vocabularies whose outcome can be worked out by hand. */
class SpmTokenizerTest {

    @Test
    void mergesHighestScoringPairFirstUntilNoPairIsAPiece() {
        // ll (-1.5) first, then ▁h (-2), llo (-2.5), ▁he (-3), ▁hello (-4).
        Tokenizer tok = TinyVocab.spm(scored("▁", -1f, "h", -1f, "e", -1f, "l", -1f, "o", -1f,
                "▁h", -2f, "ll", -1.5f, "▁he", -3f, "llo", -2.5f, "▁hello", -4f), null);
        assertEquals(List.of("▁hello"), pieces(tok, tok.encode("hello", false, false)));
    }

    @Test
    void higherScoreWinsOverPosition() {
        Tokenizer tok = TinyVocab.spm(scored("a", -1f, "b", -1f, "c", -1f, "ab", -2f, "bc", -1f), false);
        assertEquals(List.of("a", "bc"), pieces(tok, tok.encode("abc", false, false)));
    }

    @Test
    void equalScoresMergeLeftmostFirst() {
        Tokenizer tok = TinyVocab.spm(scored("a", -1f, "aa", -1f), false);
        assertEquals(List.of("aa", "a"), pieces(tok, tok.encode("aaa", false, false)));
    }

    @Test
    void charactersOutsideTheVocabularyFallBackToTheirUtf8Bytes() {
        Tokenizer tok = TinyVocab.spm(scored("▁", -1f, "a", -1f), true);
        // "é" is C3 A9; the emoji is F0 9F A6 99.
        assertEquals(List.of("▁", "a", "<0xC3>", "<0xA9>", "<0xF0>", "<0x9F>", "<0xA6>", "<0x99>"),
                pieces(tok, tok.encode("aé🦙", false, false)));
    }

    @Test
    void spacePrefixOnlyWhenTheModelAsksForIt() {
        var pieces = scored("▁", -1f, "a", -1f, "▁a", -0.5f);
        Tokenizer with = TinyVocab.spm(pieces, null); // llama.cpp's SPM default: add the prefix
        Tokenizer without = TinyVocab.spm(pieces, false);
        assertEquals(List.of("▁a", "▁a"), pieces(with, with.encode("a a", false, false)));
        assertEquals(List.of("a", "▁a"), pieces(without, without.encode("a a", false, false)));
    }

    @Test
    void bosOnlyWhenAskedAndEmptyTextGivesNothing() {
        Tokenizer tok = TinyVocab.spm(scored("▁", -1f, "a", -1f), null);
        assertArrayEquals(new int[0], tok.encode("", false, false));
        assertArrayEquals(new int[] {1}, tok.encode("", true, false));
        assertEquals(List.of("<s>", "▁", "a"), pieces(tok, tok.encode("a", true, false)));
        assertEquals(true, tok.addBosByDefault());
    }

    @Test
    void decodeRemovesTheSpacePrefixAgain() {
        Tokenizer tok = TinyVocab.spm(scored("▁", -1f, "h", -1f, "i", -1f, "▁hi", -0.5f), null);
        for (String text : List.of("hi hi", " hi", "hi  ", "é hi")) {
            assertEquals(text, tok.decode(tok.encode(text, false, false)), text);
            assertEquals(text, tok.decode(tok.encode(text, true, false)), "with BOS: " + text);
        }
    }
}
