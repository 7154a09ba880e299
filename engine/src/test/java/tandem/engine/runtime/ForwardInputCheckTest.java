package tandem.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import tandem.engine.api.TandemException;

/** The input checks every backend's forward pass shares (capacity 8, vocabulary of 10). */
class ForwardInputCheckTest {
    private static final int CAPACITY = 8;
    private static final int VOCAB = 10;

    private static int[] ids(String spaced) {
        return Arrays.stream(spaced.trim().split(" +")).mapToInt(Integer::parseInt).toArray();
    }

    @ParameterizedTest(name = "tokens [{0}] at {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            0 9      | 0 |
            1 2 3    | 5 |
            1 2      | 7 | context full (8 tokens); start a new conversation or load with a larger --ctx
            1        | -1| context full (8 tokens); start a new conversation or load with a larger --ctx
            3 10     | 0 | token id 10 is outside the vocabulary (0..9)
            -1       | 0 | token id -1 is outside the vocabulary (0..9)
            """)
    void refusesWhatNoBackendCanRun(String tokens, int position, String message) {
        if (message == null) {
            assertDoesNotThrow(() -> ModelRunner.State.checkInput(ids(tokens), position, CAPACITY, VOCAB));
        } else {
            TandemException e = assertThrows(TandemException.class,
                    () -> ModelRunner.State.checkInput(ids(tokens), position, CAPACITY, VOCAB));
            assertEquals(message, e.getMessage());
        }
    }

    @Test
    void noTokensIsAProgrammingError() {
        assertThrows(IllegalArgumentException.class, () -> ModelRunner.State.checkInput(new int[0], 0, CAPACITY, VOCAB));
    }
}
