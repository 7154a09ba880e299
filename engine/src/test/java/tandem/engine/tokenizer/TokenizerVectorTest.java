package tandem.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import tandem.engine.api.Tokenizer;

/** Every case of every vocabulary with llama.cpp test vectors: add-special off, parse-special off. */
class TokenizerVectorTest {

    static Stream<VocabVectors.Case> cases() {
        return VocabVectors.allCases();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void encodesLikeLlamaCpp(VocabVectors.Case c) {
        Tokenizer tokenizer = VocabVectors.tokenizer(c.vocab());
        int[] actual = tokenizer.encode(c.input(), false, false);
        assertArrayEquals(c.expected(), actual, () -> c + ": expected " + Arrays.toString(c.expected())
                + " got " + Arrays.toString(actual));
    }

    @Test
    void everyVocabularyWithVectorsIsCovered() {
        // The vocabularies this suite must exercise (DESIGN.md section 6); a missing one fails here.
        assertEquals(Stream.of("deepseek-coder", "falcon", "gpt-2", "llama-bpe", "llama-spm", "phi-3", "qwen2", "starcoder").toList(),
                VocabVectors.vocabsWithVectors().stream().map(p -> p.getFileName().toString()
                        .replace("ggml-vocab-", "").replace(".gguf", "")).toList());
    }
}
