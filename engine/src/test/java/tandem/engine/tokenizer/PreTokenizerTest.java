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
            """)
    void splitsLikeTheReference(String pre, String text, String expected) {
        String unescaped = text.replace("\\n", "\n");
        List<String> want = List.of(expected.replace("\\n", "\n").split(",", -1));
        assertEquals(want, words(pre, unescaped));
    }
}
