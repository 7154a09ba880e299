package tandem.engine.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import tandem.engine.Engine;
import tandem.engine.chat.ChatTemplate;
import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.SharedData;
import tandem.engine.tokenizer.Tokenizers;

/**
 * The chat path's one BOS rule on real vocabularies and their own templates: a Llama-3 template
 * writes {@code <|begin_of_text|>} itself, so the prompt has it exactly once; a Qwen vocabulary
 * wants no BOS; an SPM model without a template (stories260K) gets BOS once from the rule.
 */
class ChatPromptBosTest {
    static final List<ChatMessage> THREE_TURNS = List.of(
            ChatMessage.system("You are a helpful assistant."),
            ChatMessage.user("What is 2+2?"),
            ChatMessage.assistant("2+2 is 4."),
            ChatMessage.user("And 3+3?"));

    private record Vocab(Tokenizer tokenizer, ChatTemplate template) {
        int[] prompt() { return PromptTokens.encode(tokenizer, template.render(THREE_TURNS, true)); }
    }

    private static final Map<String, Vocab> LOADED = new ConcurrentHashMap<>();

    private static Vocab vocab(String name) {
        return LOADED.computeIfAbsent(name, n -> {
            try (GgufFile file = GgufFile.open(SharedData.data("vocab/ggml-vocab-" + n + ".gguf"))) {
                Tokenizer tok = Tokenizers.fromGguf(file);
                return new Vocab(tok, ChatTemplate.fromGguf(file, tok));
            }
        });
    }

    private static long count(int[] ids, int id) {
        return Arrays.stream(ids).filter(i -> i == id).count();
    }

    @Test
    void llama3TemplateGetsExactlyOneBos() {
        Vocab v = vocab("llama-bpe");
        int bos = v.tokenizer().bosId();
        assertEquals(128000, bos);
        assertTrue(v.tokenizer().addBosByDefault(), "Llama 3 wants BOS, which makes the double BOS possible");
        int[] ids = v.prompt();
        assertEquals(1, count(ids, bos), Arrays.toString(ids));
        assertEquals(bos, ids[0]);
        assertEquals(128006, ids[1], "<|start_header_id|> right after the single BOS");
        // The same ids as tokenizing the template's text after its own BOS, with BOS put back once.
        String rendered = v.template().render(THREE_TURNS, true);
        assertTrue(rendered.startsWith("<|begin_of_text|>"));
        int[] rest = v.tokenizer().encode(rendered.substring("<|begin_of_text|>".length()), false, true);
        assertArrayEquals(rest, Arrays.copyOfRange(ids, 1, ids.length));
        // What the app did before: BOS by default plus the template's own one.
        int[] old = v.tokenizer().encode(rendered, true, true);
        assertEquals(2, count(old, bos), "the old path doubled BOS; this test would not notice a regression otherwise");
    }

    @Test
    void phi3TemplateGetsExactlyOneBos() {
        Vocab v = vocab("phi-3");
        int bos = v.tokenizer().bosId();
        assertEquals(1, bos, "<s>");
        assertTrue(v.tokenizer().addBosByDefault(), "Phi-3 wants BOS and its template writes {{ bos_token }} too");
        int[] ids = v.prompt();
        assertEquals(1, count(ids, bos), Arrays.toString(ids));
        assertEquals(bos, ids[0]);
        assertEquals(v.tokenizer().encode("<|user|>", false, true)[0], ids[1], "<|user|> right after the single BOS");
    }

    @Test
    void qwenTemplateGetsNoBos() {
        Vocab v = vocab("qwen2");
        int[] ids = v.prompt();
        assertFalse(v.tokenizer().addBosByDefault());
        assertEquals(v.tokenizer().encode("<|im_start|>", false, true)[0], ids[0], "starts with <|im_start|>");
        if (v.tokenizer().bosId() >= 0) assertEquals(0, count(ids, v.tokenizer().bosId()), Arrays.toString(ids));
        assertArrayEquals(v.tokenizer().encode(v.template().render(THREE_TURNS, true), false, true), ids);
    }

    @Test
    void rawTextGetsBosOnceWhetherOrNotItWritesIt() {
        Tokenizer tok = vocab("llama-bpe").tokenizer();
        int[] plain = PromptTokens.encode(tok, "Hello world");
        int[] written = PromptTokens.encode(tok, "<|begin_of_text|>Hello world");
        assertArrayEquals(plain, written);
        assertEquals(128000, plain[0]);
        assertEquals(1, count(plain, 128000));
    }

    @Test
    void chatSessionOnStoriesHoldsOneBosAndReusesTheCache() {
        Path model = SharedData.data("models/stories260K.gguf");
        try (LoadedModel m = Engine.load(model, EngineOptions.cpu(), LoadProgress.NONE, () -> false);
             Session probe = m.newSession()) {
            int bos = m.tokenizer().bosId();
            int[] prompt = ChatSession.promptTokens(m, THREE_TURNS);
            assertEquals(1, count(prompt, bos), Arrays.toString(prompt));
            assertEquals(bos, prompt[0]);
            // reuseCache on a session that holds the prompt's first half evaluates only the rest
            probe.evaluate(Arrays.copyOf(prompt, prompt.length / 2));
            int[] fresh = ChatSession.reuseCache(probe, prompt);
            assertArrayEquals(Arrays.copyOfRange(prompt, prompt.length / 2, prompt.length), fresh);
            // a whole prompt already cached still leaves its last token to evaluate
            probe.evaluate(fresh);
            assertArrayEquals(new int[] {prompt[prompt.length - 1]}, ChatSession.reuseCache(probe, prompt));
            assertEquals(prompt.length - 1, probe.position());
        }
    }
}
