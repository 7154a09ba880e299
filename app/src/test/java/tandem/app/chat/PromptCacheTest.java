package tandem.app.chat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import tandem.app.fakes.FakeModel;
import tandem.engine.api.ChatMessage;
import tandem.engine.chat.ChatTemplate;
import tandem.engine.gguf.GgufFile;
import tandem.engine.api.LoadPlan;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.MetricsSnapshot;
import tandem.engine.api.ModelInfo;
import tandem.engine.api.PromptTokens;
import tandem.engine.api.Session;
import tandem.engine.api.Tokenizer;
import tandem.engine.tokenizer.Tokenizers;

/**
 * The app's prompt for a three-turn conversation, on the real Llama-3 and Qwen vocabularies with
 * their own chat templates: the same ids {@code tandem chat} evaluates (the template's text through
 * the engine's one BOS rule), so Llama 3 sees BOS once, not twice as the app's own encoding did.
 */
class PromptCacheTest {
    private static final List<ChatMessage> THREE_TURNS = List.of(
            ChatMessage.system("You are a helpful assistant."),
            ChatMessage.user("What is 2+2?"),
            ChatMessage.assistant("2+2 is 4."),
            ChatMessage.user("And 3+3?"));

    @Test
    void llama3PromptIsTheCliPromptWithOneBos() {
        int[] ids = appPrompt("llama-bpe");
        assertEquals(128000, ids[0]);
        assertEquals(128006, ids[1], "<|start_header_id|> follows the single BOS");
        assertEquals(1, Arrays.stream(ids).filter(id -> id == 128000).count(), Arrays.toString(ids));
    }

    @Test
    void qwenPromptIsTheCliPrompt() {
        int[] ids = appPrompt("qwen2");
        assertEquals(151644, ids[0], "<|im_start|> first, no BOS");
    }

    /** The app's ids for a fresh session, checked against the CLI's (template text, one BOS rule). */
    private static int[] appPrompt(String vocab) {
        Path path = Path.of(System.getProperty("tandem.shared", "../shared"), "data", "vocab", "ggml-vocab-" + vocab + ".gguf");
        try (GgufFile file = GgufFile.open(path)) {
            Tokenizer tokenizer = Tokenizers.fromGguf(file);
            VocabModel model = new VocabModel(tokenizer, ChatTemplate.fromGguf(file, tokenizer));
            try (Session session = new FakeModel(1).newSession()) {
                int[] app = PromptCache.reuse(session, model, THREE_TURNS);
                int[] cli = PromptTokens.encode(tokenizer, model.template.render(THREE_TURNS, true));
                assertArrayEquals(cli, app);
                return app;
            }
        }
    }

    /** A model that has only a vocabulary and a template: all the prompt path needs. */
    private record VocabModel(Tokenizer tokenizer, ChatTemplate template) implements LoadedModel {
        @Override public String formatChat(List<ChatMessage> messages, boolean addGenerationPrompt) {
            return template.render(messages, addGenerationPrompt);
        }
        @Override public ModelInfo info() { throw new UnsupportedOperationException(); }
        @Override public tandem.engine.api.Backend backend() { throw new UnsupportedOperationException(); }
        @Override public LoadPlan plan() { throw new UnsupportedOperationException(); }
        @Override public Session newSession() { throw new UnsupportedOperationException(); }
        @Override public MetricsSnapshot metrics() { throw new UnsupportedOperationException(); }
        @Override public void close() {}
    }
}
