package tandem.engine.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tandem.engine.api.ChatMessage;
import tandem.engine.api.Tokenizer;
import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.GgufValue;
import tandem.engine.gguf.GgufWriter;
import tandem.engine.gguf.SharedData;
import tandem.engine.tokenizer.Tokenizers;

/**
 * gpt-oss's harmony format: a conversation renders as OpenAI's harmony guide writes it
 * (cookbook.openai.com/articles/openai-harmony: system message with identity, knowledge cutoff, date,
 * reasoning effort and the valid channels; the system prompt as the developer's "# Instructions"; an
 * earlier answer as its final-channel message ending in <|end|>, its analysis dropped; the prompt ending
 * in <|start|>assistant), and a generated reply streams its analysis channel as <think>...</think>.
 */
class HarmonyTest {
    private static final List<String> STRUCTURE = List.of("<|start|>", "<|channel|>", "<|message|>", "<|end|>", "<|return|>", "<|call|>");

    /** A vocabulary with harmony's structure tokens (control) and single characters. */
    private static Tokenizer harmonyVocabulary() {
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        tokens.addAll(STRUCTURE);
        String chars = "abcdefghijklmnopqrstuvwxyzL4 .";
        for (char ch : chars.toCharArray()) tokens.add(ch == ' ' ? "\u2581" : String.valueOf(ch));
        int[] types = new int[tokens.size()];
        float[] scores = new float[tokens.size()];
        for (int i = 0; i < types.length; i++) types[i] = i == 0 ? 2 : i < 3 + STRUCTURE.size() ? 3 : 1;
        byte[] bytes = new GgufWriter()
                .putString("tokenizer.ggml.model", "llama")
                .put("tokenizer.ggml.tokens", GgufValue.stringArray(tokens))
                .put("tokenizer.ggml.scores", GgufValue.floatArray(scores))
                .put("tokenizer.ggml.token_type", GgufValue.int32Array(types))
                .put("tokenizer.ggml.add_space_prefix", GgufValue.bool(false))
                .toByteArray();
        GgufFile file = GgufFile.parse(MemorySegment.ofArray(bytes), "harmony-vocab.gguf");
        return Tokenizers.fromGguf(file, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @Test
    void conversationRendersAsTheHarmonyGuideWritesIt() {
        ChatTemplate template = ChatTemplate.of(Harmony.TEMPLATE, "", "", "gpt-oss");
        String prompt = template.render(List.of(new ChatMessage("system", "Answer briefly."),
                new ChatMessage("user", "What is 2 + 2?"), new ChatMessage("assistant", "<think>Add them.</think>4"),
                new ChatMessage("user", "And 3 + 3?")), true);
        String expected = "<|start|>system<|message|>You are ChatGPT, a large language model trained by OpenAI.\n"
                + "Knowledge cutoff: 2024-06\nCurrent date: " + LocalDate.now() + "\n\nReasoning: medium\n\n"
                + "# Valid channels: analysis, commentary, final. Channel must be included for every message.<|end|>"
                + "<|start|>developer<|message|># Instructions\n\nAnswer briefly.<|end|>"
                + "<|start|>user<|message|>What is 2 + 2?<|end|>"
                + "<|start|>assistant<|channel|>final<|message|>4<|end|>"
                + "<|start|>user<|message|>And 3 + 3?<|end|>"
                + "<|start|>assistant";
        assertEquals(expected, prompt);
    }

    @Test
    void withoutASystemPromptThereIsNoDeveloperMessage() {
        String prompt = ChatTemplate.of(Harmony.TEMPLATE, "", "", "gpt-oss").render(List.of(new ChatMessage("user", "Hi")), false);
        assertFalse(prompt.contains("developer"), prompt);
        assertTrue(prompt.endsWith("<|end|><|start|>user<|message|>Hi<|end|>"), prompt);
    }

    /** A file's own harmony template gets an earlier answer's analysis as `thinking`, its answer as `content`. */
    @Test
    void harmonyTemplatesGetTheAnalysisAsThinking() {
        String source = "{% for m in messages %}{{ m.role }}[{{ m.thinking }}]{{ m.content }}<|channel|><|message|>;{% endfor %}";
        String out = ChatTemplate.of(source, "", "", "gpt-oss").render(List.of(new ChatMessage("user", "2 + 2?"),
                new ChatMessage("assistant", "<think> Add them. </think>\n4")), false);
        assertEquals("user[]2 + 2?<|channel|><|message|>;assistant[Add them.]4<|channel|><|message|>;", out);
    }

    @Test
    void aGptOssFileWithoutATemplateGetsHarmonyNotChatMl() {
        Tokenizer tok = harmonyVocabulary();
        assertTrue(Harmony.vocabularyOf(tok));
        ChatTemplate t = ChatTemplate.fromGguf(GgufFile.parse(MemorySegment.ofArray(new GgufWriter().toByteArray()), "x.gguf"), tok);
        assertTrue(t.render(List.of(new ChatMessage("user", "Hi")), true).endsWith("<|start|>user<|message|>Hi<|end|><|start|>assistant"));
    }

    /** A reply streamed token by token through the real decoder: analysis as thinking, final as the answer. */
    @Test
    void analysisChannelStreamsAsThinking() {
        Tokenizer tok = harmonyVocabulary();
        HarmonyChannels channels = HarmonyChannels.forVocabulary(tok);
        String reply = "<|channel|>analysis<|message|>Let me add.<|end|><|start|>assistant<|channel|>final<|message|>4";
        assertEquals("<think>Let me add.</think>4", stream(tok, channels, reply));
        // cut off while thinking: the think section stays open, as the app shows a model still thinking
        assertEquals("<think>Let me", stream(tok, HarmonyChannels.forVocabulary(tok), "<|channel|>analysis<|message|>Let me"));
        // a commentary preamble is answer text; a reply without any channel passes unchanged
        assertEquals("ok", stream(tok, HarmonyChannels.forVocabulary(tok), "<|channel|>commentary<|message|>ok"));
        assertEquals("plain text", stream(tok, HarmonyChannels.forVocabulary(tok), "plain text"));
    }

    @Test
    void otherVocabulariesAreNotHarmony() {
        try (GgufFile file = GgufFile.open(SharedData.data("vocab/ggml-vocab-llama-bpe.gguf"))) {
            Tokenizer tok = Tokenizers.fromGguf(file, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            assertNull(HarmonyChannels.forVocabulary(tok));
        }
    }

    private static String stream(Tokenizer tok, HarmonyChannels channels, String text) {
        Tokenizer.StreamingDecoder decoder = tok.streamingDecoder();
        StringBuilder shown = new StringBuilder();
        for (int id : tok.encode(text, false, true)) shown.append(channels.accept(id, decoder.accept(id)));
        return shown.append(decoder.flush()).toString();
    }
}
