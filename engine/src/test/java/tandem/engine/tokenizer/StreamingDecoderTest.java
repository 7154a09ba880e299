package tandem.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static tandem.engine.tokenizer.TinyVocab.scored;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import tandem.engine.api.Tokenizer;

/** Token-by-token decoding: whole characters only, and the SPM leading-space rule. */
class StreamingDecoderTest {
    private final Tokenizer spm = TinyVocab.spm(scored("▁", -1f, "h", -1f, "i", -1f, "▁hi", -0.5f), null);

    private int id(String piece) {
        for (int i = 0; i < spm.vocabSize(); i++) if (spm.piece(i).equals(piece)) return i;
        throw new IllegalArgumentException(piece);
    }

    @Test
    void characterSplitOverByteTokensAppearsOnlyWhenComplete() {
        Tokenizer.StreamingDecoder d = spm.streamingDecoder();
        assertEquals("", d.accept(id("<0xC3>")));
        assertEquals("é", d.accept(id("<0xA9>")));
        // A four-byte emoji arrives in four tokens.
        assertEquals("", d.accept(id("<0xF0>")));
        assertEquals("", d.accept(id("<0x9F>")));
        assertEquals("", d.accept(id("<0xA6>")));
        assertEquals("🦙", d.accept(id("<0x99>")));
        assertEquals("", d.flush());
    }

    @Test
    void textBeforeAnIncompleteCharacterIsNotHeldBack() {
        Tokenizer.StreamingDecoder d = spm.streamingDecoder();
        assertEquals(" hi", d.accept(id("▁hi")));
        assertEquals("", d.accept(id("<0xE2>")));
        assertEquals("", d.accept(id("<0x82>")));
        assertEquals("€ hi", d.accept(id("<0xAC>")) + d.accept(id("▁hi")));
    }

    @Test
    void invalidAndUnfinishedBytesBecomeReplacementCharacters() {
        Tokenizer.StreamingDecoder d = spm.streamingDecoder();
        assertEquals("\uFFFD", d.accept(id("<0xA9>")), "a continuation byte cannot start a character");
        assertEquals("", d.accept(id("<0xC3>")));
        assertEquals("\uFFFDh", d.accept(id("h")), "a lead byte followed by a non-continuation");
        assertEquals("", d.accept(id("<0xE2>")));
        assertEquals("\uFFFD", d.flush(), "the stream ended inside a character");
    }

    @Test
    void streamStartingWithBosDropsTheSpacePrefixOfTheFirstWord() {
        Tokenizer.StreamingDecoder d = spm.streamingDecoder();
        StringBuilder out = new StringBuilder();
        for (int token : new int[] {spm.bosId(), id("▁hi"), id("▁hi")}) out.append(d.accept(token));
        assertEquals("hi hi", out.toString());
    }

    @Test
    void streamContinuingEarlierTextKeepsItsSpaces() {
        Tokenizer.StreamingDecoder d = spm.streamingDecoder();
        assertEquals(" hi", d.accept(id("▁hi")));
        assertEquals(" hi", d.accept(id("▁hi")));
    }

    @Test
    void wholeSequenceDecodeDropsThePrefixWithOrWithoutBos() {
        assertEquals("hi hi", spm.decode(new int[] {id("▁hi"), id("▁hi")}));
        assertEquals("hi hi", spm.decode(new int[] {spm.bosId(), id("▁hi"), id("▁hi")}));
    }

    static Stream<VocabVectors.Case> cases() {
        return VocabVectors.allCases();
    }

    /** Decoding llama.cpp's own ids gives the input back, whole and streamed after BOS. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decodingTheVectorIdsGivesTheTextBack(VocabVectors.Case c) {
        Tokenizer tok = VocabVectors.tokenizer(c.vocab());
        assertEquals(c.input(), tok.decode(c.expected()));
        Tokenizer.StreamingDecoder d = tok.streamingDecoder();
        StringBuilder streamed = new StringBuilder();
        if (tok.bosId() >= 0) streamed.append(d.accept(tok.bosId()));
        for (int id : c.expected()) streamed.append(d.accept(id));
        assertEquals(c.input(), streamed.append(d.flush()).toString());
    }
}
