package tandem.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import tandem.engine.api.Tokenizer;

/** Special ids and end-of-generation tokens of the real vocabularies (ids from their token lists). */
class SpecialTokensTest {

    @ParameterizedTest(name = "{0}: id {1} ends generation = {2}")
    @CsvSource(textBlock = """
            llama-bpe, 128001, true
            llama-bpe, 128009, true
            llama-bpe, 128006, false
            llama-bpe, 9906, false
            qwen2, 151645, true
            qwen2, 151643, true
            qwen2, 151662, true
            qwen2, 151644, false
            llama-spm, 2, true
            llama-spm, 1, false
            phi-3, 32000, true
            phi-3, 32007, true
            phi-3, 32010, false
            """)
    void endOfGeneration(String vocab, int id, boolean ends) {
        assertEquals(ends, VocabVectors.tokenizer(VocabVectors.vocab(vocab)).isEndOfGeneration(id));
    }

    @ParameterizedTest(name = "{0}: bos {1}, eos {2}, add BOS {3}")
    @CsvSource(textBlock = """
            llama-bpe, 128000, 128001, true
            qwen2, -1, 151645, false
            llama-spm, 1, 2, true
            gpt-2, 50256, 50256, false
            deepseek-coder, 32013, 32014, true
            """)
    void specialIdsAndBosPolicy(String vocab, int bos, int eos, boolean addBos) {
        Tokenizer tok = VocabVectors.tokenizer(VocabVectors.vocab(vocab));
        assertEquals(bos, tok.bosId());
        assertEquals(eos, tok.eosId());
        assertEquals(addBos, tok.addBosByDefault());
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = ';', textBlock = """
            llama-bpe ; <|start_header_id|>user<|end_header_id|> ; 128006 882 128007
            qwen2     ; <|im_start|>user<|im_end|>               ; 151644 872 151645
            """)
    void parseSpecialTurnsMarkersIntoTheirIds(String vocab, String text, String ids) {
        Tokenizer tok = VocabVectors.tokenizer(VocabVectors.vocab(vocab));
        int[] expected = java.util.Arrays.stream(ids.split(" ")).mapToInt(Integer::parseInt).toArray();
        assertArrayEquals(expected, tok.encode(text, false, true));
    }
}
