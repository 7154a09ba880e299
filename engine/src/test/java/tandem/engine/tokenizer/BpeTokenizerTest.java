package tandem.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tandem.engine.tokenizer.TinyVocab.pieces;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tandem.engine.api.TandemException;
import tandem.engine.api.Tokenizer;

/** Byte-level BPE merging and vocabulary rules on tiny vocabularies. */
class BpeTokenizerTest {

    @Test
    void lowestRankMergesFirst() {
        Tokenizer tok = TinyVocab.build(TinyVocab.bpeSpec("gpt-2", List.of("b c", "a b"), Map.of()));
        assertEquals(List.of("a", "bc"), pieces(tok, tok.encode("abc", false, false)));
    }

    @Test
    void equalRanksMergeLeftmostFirst() {
        Tokenizer tok = TinyVocab.build(TinyVocab.bpeSpec("gpt-2", List.of("a a"), Map.of()));
        assertEquals(List.of("aa", "a"), pieces(tok, tok.encode("aaa", false, false)));
    }

    @Test
    void mergesChainIntoWholeWordsAndSpacesBecomeG() {
        Tokenizer tok = TinyVocab.build(TinyVocab.bpeSpec("gpt-2", List.of("l l", "h e", "he ll", "hell o", "Ġ w", "Ġw o"), Map.of()));
        assertEquals(List.of("hello", "Ġwo", "r", "l", "d"), pieces(tok, tok.encode("hello world", false, false)));
    }

    @Test
    void llama3WordsThatArePiecesSkipTheMerges() {
        // "abc" is a piece but no merge builds it: Llama 3's ignore_merges takes it whole.
        var extra = Map.of("abc", 1);
        Tokenizer llama3 = TinyVocab.build(TinyVocab.bpeSpec("llama-bpe", List.of("a b"), extra).withBosEos(0, 1));
        Tokenizer gpt2 = TinyVocab.build(TinyVocab.bpeSpec("gpt-2", List.of("a b"), extra));
        assertEquals(List.of("abc"), pieces(llama3, llama3.encode("abc", false, false)));
        assertEquals(List.of("ab", "c"), pieces(gpt2, gpt2.encode("abc", false, false)));
    }

    @Test
    void everyUtf8ByteIsSpelledByItsCharacter() {
        Tokenizer tok = TinyVocab.build(TinyVocab.bpeSpec("gpt-2", List.of(), Map.of()));
        int[] ids = tok.encode("é🦙", false, false);
        byte[] expected = "é🦙".getBytes(StandardCharsets.UTF_8);
        assertEquals(expected.length, ids.length);
        for (int i = 0; i < ids.length; i++) assertEquals(expected[i] & 0xFF, ids[i]); // ids 0..255 are the bytes
        assertEquals("é🦙", tok.decode(ids));
    }

    @Test
    void userDefinedTokensAreAlwaysSplitOutControlTokensOnlyWhenParsingSpecial() {
        Tokenizer tok = TinyVocab.build(TinyVocab.bpeSpec("gpt-2", List.of(), Map.of("<tool>", 4, "<|end|>", 3)));
        int tool = tok.encode("<tool>", false, false)[0];
        assertEquals("<tool>", tok.piece(tool));
        int[] plain = tok.encode("a<|end|>", false, false);
        assertEquals(8, plain.length, "control token stays text without parse-special");
        assertEquals(List.of("a", "<|end|>"), pieces(tok, tok.encode("a<|end|>", false, true)));
        assertEquals(List.of("x", "<tool>", "y"), pieces(tok, tok.encode("x<tool>y", false, false)));
        assertTrue(tok.isEndOfGeneration(tok.encode("<|end|>", false, true)[0]));
        assertEquals("a", tok.decode(tok.encode("a<|end|>", false, true)), "control tokens print nothing");
    }

    @Test
    void unknownPreTokenizerIsAnErrorNamingIt() {
        var spec = TinyVocab.bpeSpec("shiny-new-bpe", List.of(), Map.of());
        TandemException e = assertThrows(TandemException.class, () -> TinyVocab.build(spec));
        assertTrue(e.getMessage().contains("shiny-new-bpe"), e.getMessage());
    }

    @Test
    void missingPreTokenizerUsesDefaultWithAWarning() {
        var warnings = new ByteArrayOutputStream();
        Tokenizers.build(TinyVocab.bpeSpec(null, List.of(), Map.of()), new PrintStream(warnings));
        assertTrue(warnings.toString().contains("'default'"), warnings.toString());
    }

    @Test
    void unknownTokenizerModelIsAnErrorNamingIt() {
        var bpe = TinyVocab.bpeSpec("gpt-2", List.of(), Map.of());
        var spec = new TokenizerSpec("t5", null, bpe.tokens(), null, null, null, null, null, null, null, null, null,
                null, null, null, null);
        TandemException e = assertThrows(TandemException.class, () -> TinyVocab.build(spec));
        assertTrue(e.getMessage().contains("'t5'"), e.getMessage());
    }
}
