package tandem.engine.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import tandem.engine.api.ChatMessage;
import tandem.engine.api.TandemException;
import tandem.engine.api.Tokenizer;
import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.SharedData;
import tandem.engine.tokenizer.Tokenizers;

/**
 * The real templates shipped in the Llama 3, Qwen and Phi-3 vocabularies (and Gemma 3's, a test
 * resource), rendered for a three-turn
 * conversation with a system prompt. The expected strings were written by hand from the templates'
 * Jinja source (read it with {@code tandem inspect}), not produced by this code.
 */
class ChatTemplateTest {
    /** System, user, assistant, user: the assistant's answer carries a reasoning block. */
    private static final List<ChatMessage> CONVERSATION = List.of(
            ChatMessage.system("You are a helpful assistant."),
            ChatMessage.user("  What is 2+2?\n"),
            ChatMessage.assistant("<think>\nTwo plus two.\n</think>\n\n2+2 is 4."),
            ChatMessage.user("And 3+3?"));

    private static final Map<String, ChatTemplate> LOADED = new ConcurrentHashMap<>();

    private static ChatTemplate template(String vocab) {
        return LOADED.computeIfAbsent(vocab, v -> {
            Path path = SharedData.data("vocab/ggml-vocab-" + v + ".gguf");
            try (GgufFile file = GgufFile.open(path)) {
                Tokenizer tok = Tokenizers.fromGguf(file);
                return ChatTemplate.fromGguf(file, tok);
            }
        });
    }

    @Test
    void llama3TemplateRendersHeadersTrimmedContentAndBos() {
        ChatTemplate t = template("llama-bpe");
        assertFalse(t.isFallback());
        // Each message: header, blank line, content | trim, <|eot_id|>; BOS before the first one.
        // This (original Llama 3) template appends the assistant header whatever add_generation_prompt says.
        String expected = "<|begin_of_text|>"
                + "<|start_header_id|>system<|end_header_id|>\n\nYou are a helpful assistant.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n<think>\nTwo plus two.\n</think>\n\n2+2 is 4.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nAnd 3+3?<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n";
        assertEquals(expected, t.render(CONVERSATION, true));
        assertEquals(expected, t.render(CONVERSATION, false));
    }

    @Test
    void phi3TemplateWritesUserAndAssistantTurnsAndDropsTheSystemPrompt() {
        ChatTemplate t = template("phi-3");
        assertFalse(t.isFallback());
        // The vocabulary's template has branches for user and assistant only: a system message renders
        // nothing (llama.cpp's --jinja path does the same); every user turn opens the assistant's turn.
        String expected = "<s>"
                + "<|user|>\n  What is 2+2?\n<|end|>\n<|assistant|>\n"
                + "<think>\nTwo plus two.\n</think>\n\n2+2 is 4.<|end|>\n"
                + "<|user|>\nAnd 3+3?<|end|>\n<|assistant|>\n";
        assertEquals(expected, t.render(CONVERSATION, true));
        assertEquals(expected, t.render(CONVERSATION, false), "the template ignores add_generation_prompt");
    }

    /** Gemma 3's template as its GGUF files carry it (no Gemma vocabulary is in ../shared: a test resource). */
    private static ChatTemplate gemma3() {
        try (var in = ChatTemplateTest.class.getResourceAsStream("gemma3.jinja")) {
            return ChatTemplate.of(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), "<bos>", "<eos>",
                    "gemma-3");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void gemma3TemplateFoldsTheSystemPromptIntoTheFirstUserTurn() {
        // Gemma has no system role: the system text opens the first user turn, followed by a blank
        // line; the assistant is "model"; every content is trimmed; the generation prompt is optional.
        String conversation = "<bos>"
                + "<start_of_turn>user\nYou are a helpful assistant.\n\nWhat is 2+2?<end_of_turn>\n"
                + "<start_of_turn>model\n<think>\nTwo plus two.\n</think>\n\n2+2 is 4.<end_of_turn>\n"
                + "<start_of_turn>user\nAnd 3+3?<end_of_turn>\n";
        assertEquals(conversation + "<start_of_turn>model\n", gemma3().render(CONVERSATION, true));
        assertEquals(conversation, gemma3().render(CONVERSATION, false));
        assertTrue(tandem.engine.api.ChatSession.keepsSystemPrompt(m -> gemma3().render(m, true)));
    }

    @Test
    void gemma3TemplateRefusesTurnsThatDoNotAlternateWithItsOwnMessage() {
        TandemException e = assertThrows(TandemException.class,
                () -> gemma3().render(List.of(ChatMessage.user("Hi"), ChatMessage.user("Hello?")), true));
        assertTrue(e.getMessage().contains("Conversation roles must alternate"), e.getMessage());
    }

    @Test
    void onlyPhi3AmongTheRealTemplatesDropsTheSystemPrompt() {
        assertFalse(tandem.engine.api.ChatSession.keepsSystemPrompt(m -> template("phi-3").render(m, true)));
        assertTrue(tandem.engine.api.ChatSession.keepsSystemPrompt(m -> template("llama-bpe").render(m, true)));
        assertTrue(tandem.engine.api.ChatSession.keepsSystemPrompt(m -> template("qwen2").render(m, true)));
        assertFalse(tandem.engine.api.ChatSession.keepsSystemPrompt(m -> {
            throw new TandemException("the chat template raised: System role not supported");
        }));
    }

    @Test
    void qwen3TemplateDropsEarlierReasoningAndAddsGenerationPrompt() {
        ChatTemplate t = template("qwen2");
        assertFalse(t.isFallback());
        // System first; user turns verbatim; the assistant turn before the last user query loses its
        // <think> block (content.split('</think>')[-1].lstrip('\n')); no tools, no enable_thinking.
        String conversation = "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
                + "<|im_start|>user\n  What is 2+2?\n<|im_end|>\n"
                + "<|im_start|>assistant\n2+2 is 4.<|im_end|>\n"
                + "<|im_start|>user\nAnd 3+3?<|im_end|>\n";
        assertEquals(conversation, t.render(CONVERSATION, false));
        assertEquals(conversation + "<|im_start|>assistant\n", t.render(CONVERSATION, true));
    }

    @Test
    void qwen3TemplateKeepsReasoningOfTheTurnAfterTheLastQuery() {
        // An assistant turn after the last user message keeps its reasoning, re-wrapped in <think>.
        List<ChatMessage> messages = List.of(ChatMessage.user("Hi"), ChatMessage.assistant("<think>\nGreet.\n</think>\nHello!"));
        assertEquals("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\nGreet.\n</think>\n\nHello!<|im_end|>\n",
                template("qwen2").render(messages, false));
    }

    @Test
    void qwen3TemplateHonoursEnableThinkingAndDescribesToolsAsPythonJson() {
        ChatTemplate t = template("qwen2");
        List<ChatMessage> ask = List.of(ChatMessage.system("You are a helpful assistant."), ChatMessage.user("What time is it?"));
        assertEquals("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nWhat time is it?<|im_end|>\n"
                        + "<|im_start|>assistant\n<think>\n\n</think>\n\n",
                t.render(ask, true, Map.of("enable_thinking", false)));

        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", "get_time");
        function.put("parameters", Map.of());
        Map<String, Object> tool = new LinkedHashMap<>();
        tool.put("type", "function");
        tool.put("function", function);
        // The system prompt, then the tools block with each tool as json.dumps writes it (", " and ": ").
        String expected = "<|im_start|>system\nYou are a helpful assistant.\n\n# Tools\n\n"
                + "You may call one or more functions to assist with the user query.\n\n"
                + "You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n"
                + "{\"type\": \"function\", \"function\": {\"name\": \"get_time\", \"parameters\": {}}}\n</tools>\n\n"
                + "For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n"
                + "<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n"
                + "<|im_start|>user\nWhat time is it?<|im_end|>\n<|im_start|>assistant\n";
        assertEquals(expected, t.render(ask, true, Map.of("tools", List.of(tool))));
    }

    @Test
    void tojsonWritesLikePythonJsonDumps() {
        ChatTemplate t = ChatTemplate.of("{{ x|tojson }}|{{ x|tojson(indent=2) }}", "", "", "m");
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("a", List.of(1, 2.5, true));
        x.put("b", "é\"\n");
        x.put("c", Map.of());
        assertEquals("{\"a\": [1, 2.5, true], \"b\": \"é\\\"\\n\", \"c\": {}}|"
                        + "{\n  \"a\": [\n    1,\n    2.5,\n    true\n  ],\n  \"b\": \"é\\\"\\n\",\n  \"c\": {}\n}",
                t.render(List.of(), false, Map.of("x", x)));
    }

    @Test
    void modelWithoutTemplateGetsChatML() {
        ChatTemplate t = ChatTemplate.of(null, "<s>", "</s>", "tiny");
        assertTrue(t.isFallback());
        assertEquals("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
                t.render(List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi")), true));
    }

    @Test
    void raisedExceptionBecomesOneLineErrorNamingTheModel() {
        ChatTemplate t = ChatTemplate.of("{% if messages[0].role == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}",
                "", "", "Strict-7B");
        TandemException e = assertThrows(TandemException.class, () -> t.render(List.of(ChatMessage.system("x")), true));
        assertTrue(e.getMessage().contains("Strict-7B") && e.getMessage().contains("System role not supported"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void brokenTemplateIsAnErrorNamingTheModel() {
        ChatTemplate t = ChatTemplate.of("{% for m in messages %}{{ m.content ", "", "", "Broken-1B");
        TandemException e = assertThrows(TandemException.class, () -> t.render(List.of(ChatMessage.user("x")), true));
        assertTrue(e.getMessage().contains("Broken-1B"), e.getMessage());
    }

    @Test
    void pythonStringMethodsBehaveLikePython() {
        String src = "{{ s.split(',')|join('|') }};{{ s.strip(' ,') }};{{ s.lstrip() }};{{ s.rstrip(', ') }};"
                + "{{ s.startswith(' a') }};{{ s.endswith(('x', ', ')) }};{{ 'a.b'.split('.')[-1] }};{{ '-'.join(['x', 'y']) }};"
                + "{{ s.upper()|trim }};{{ ' a  b '.split()|length }}";
        ChatTemplate t = ChatTemplate.of("{% set s = ' a,b,, ' %}" + src, "", "", "m");
        assertEquals(" a|b|| ;a,b;a,b,, ; a,b;true;true;b;x-y;A,B,,;2", t.render(List.of(), false));
    }

    @Test
    void namespaceKeywordExpressionsAndReversedSlicesWorkAsInJinja2() {
        ChatTemplate t = ChatTemplate.of("{% set ns = namespace(a=[1, 2, 3]|length - 1, b='x,y(') %}{{ ns.a }}|{{ ns.b }}|"
                + "{% for m in messages[::-1] %}{{ m.content }}{% endfor %}\n", "", "", "m");
        assertEquals("2|x,y(|21", t.render(List.of(ChatMessage.user("1"), ChatMessage.assistant("2")), false));
    }

    @Test
    void bosAndEosTokensComeFromTheVocabulary() {
        ChatTemplate t = ChatTemplate.of("{{ bos_token }}|{{ eos_token }}", "<s>", "</s>", "m");
        assertEquals("<s>|</s>", t.render(List.of(), false));
    }
}
