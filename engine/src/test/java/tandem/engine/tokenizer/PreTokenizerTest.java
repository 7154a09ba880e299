package tandem.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Word splitting per pre-tokenizer; the expected splits follow from each family's expressions. */
class PreTokenizerTest {

    static List<String> words(String pre, String text) {
        List<String> out = new ArrayList<>();
        PreTokenizer.forName(pre).split(text, (s, e) -> out.add(text.substring(s, e)));
        return out;
    }

    // deepseek-llm: U+2126, U+212A and U+1FD3 are in its letter list but also in its "CJK" range
    // U+0800-U+4E00, which cuts them out again (as in llama.cpp); "_" and "~" are not letters.
    @ParameterizedTest(name = "{0}: [{1}]")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            gpt-2          | Hello world's  test  | Hello, world,'s, , test
            gpt-2          | I'M 12345            | I,',M, 12345
            llama-bpe      | I'M 12345            | I,'M, ,123,45
            qwen2          | a 12345              | a, ,1,2,3,4,5
            starcoder      | x 2024               | x, ,2,0,2,4
            falcon         | 1234567 $x           | 123,456,7, ,$,x
            deepseek-coder | ab12 !?              | ab,1,2, !?
            llama-bpe      | "a\\n\\n b"          | a,\\n\\n, b
            gpt-4o         | HelloWorld ABCdef's  | Hello,World, ABCdef's
            tekken         | HelloWorld 42        | Hello,World, ,4,2
            deepseek-llm   | \u2126mega \u212Aelvin \u1FD3 12 | \u2126,mega, ,\u212A,elvin, ,\u1FD3, ,12
            deepseek-llm   | a_b ~\u00B0         | a,_,b, ~,\u00B0
            """)
    void splitsLikeTheReference(String pre, String text, String expected) {
        String unescaped = text.replace("\\n", "\n");
        List<String> want = List.of(expected.replace("\\n", "\n").split(",", -1));
        assertEquals(want, words(pre, unescaped));
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"gpt-2", "llama-bpe", "qwen2", "gpt-4o", "tekken", "deepseek-llm", "default"})
    void veryLongWordsDoNotExhaustTheStack(String pre) {
        // Lower case throughout: the gpt-4o/tekken families split camel case on purpose.
        String word = "ab".repeat(100_000);
        assertEquals(List.of(word), words(pre, word));
    }
}
