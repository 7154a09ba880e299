package tandem.engine.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tandem.engine.api.ChatMessage;
import tandem.engine.api.TandemException;

/**
 * Templates written to hurt: ones that raise, recurse without end, loop for hours or render far
 * more text than any prompt could hold. Each must end in bounded time with one clear line naming the
 * model, never a stack trace, a hang or an out-of-memory error.
 */
class HostileTemplateTest {
    private static final List<ChatMessage> HELLO = List.of(ChatMessage.user("hello"));
    private static final Duration BOUND = Duration.ofSeconds(20);

    private static String failure(String source) {
        ChatTemplate t = ChatTemplate.of(source, "<s>", "</s>", "hostile.gguf");
        TandemException e = assertTimeoutPreemptively(BOUND,
                () -> assertThrows(TandemException.class, () -> t.render(HELLO, true)));
        String message = e.getMessage();
        assertFalse(message.contains("\n"), "one line: " + message);
        assertTrue(message.contains("hostile.gguf"), message);
        assertTrue(message.length() < 400, message);
        return message;
    }

    @Test
    void messageThatLooksLikeATemplateIsPrintedAsItIs() {
        String content = "{{ 7 * 7 }} {% for i in range(3) %}x{% endfor %} {# c #}";
        assertEquals(content, JinjaRenderer.render("{{ c }}", java.util.Map.of("c", content)));
    }

    @Test
    void templateThatRaisesSaysWhat() {
        String m = failure("{{ raise_exception('only user and assistant roles are supported') }}");
        assertTrue(m.contains("only user and assistant roles are supported"), m);
    }

    @Test
    void hundredMegabyteOutputIsStopped() {
        // 100 x 100 iterations of a 10 kB literal: 100 MB if nothing stops it.
        String chunk = "x".repeat(10_000);
        String m = failure("{% for i in range(100) %}{% for j in range(100) %}" + chunk + "{% endfor %}{% endfor %}");
        assertTrue(m.contains("output") || m.contains("too big") || m.contains("limit"), m);
    }

    @Test
    void hugeStringBuiltInAVariableIsStopped() {
        // Doubling a string 27 times would hold 128 M characters in one variable.
        StringBuilder doubling = new StringBuilder("{% set s = 'xx' %}");
        for (int i = 0; i < 27; i++) doubling.append("{% set s = s ~ s %}");
        failure(doubling.append("{{ s | length }}").toString());
    }

    @Test
    void endlessMacroRecursionEndsQuickly() {
        // Jinjava refuses a macro that calls itself (macro recursion depth 0), so this ends at once.
        ChatTemplate t = ChatTemplate.of("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", "<s>", "</s>", "hostile.gguf");
        String out = assertTimeoutPreemptively(BOUND, () -> t.render(HELLO, true));
        assertTrue(out.length() < 1000, "rendered " + out.length() + " characters");
    }

    @Test
    void megabytePromptStillRenders() {
        String big = "word ".repeat(200_000);
        ChatTemplate t = ChatTemplate.of(null, "<s>", "</s>", "plain.gguf");
        String out = assertTimeoutPreemptively(BOUND, () -> t.render(List.of(ChatMessage.user(big)), true));
        assertTrue(out.contains(big));
    }

    @Test
    void loopWithoutOutputUnderTheRangeCapIsStopped() {
        // Three nested loops with empty bodies: 10^15 turns, each range under the cap and no text for the output cap.
        String range = "range(" + TemplateFunctions.MAX_RANGE + ")";
        long start = System.nanoTime();
        String m = failure("{% for i in " + range + " %}{% for j in " + range + " %}{% for k in " + range + " %}"
                + "{% endfor %}{% endfor %}{% endfor %}");
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(m.contains("ran for more than " + JinjaRenderer.MAX_RENDER_TIME.toSeconds() + " seconds"), m);
        assertTrue(seconds >= JinjaRenderer.MAX_RENDER_TIME.toSeconds(), "stopped after " + seconds + " s");
        System.out.printf("HostileTemplateTest: empty nested loops stopped after %.1f s: %s%n", seconds, m);
    }

    @Test
    void billionNumberRangeIsRefusedAsHuggingFaceDoes() {
        // Jinjava would count 1,000 and render 1,000 x's without a word; Jinja2's sandbox refuses the range.
        String m = failure("{% for i in range(10**9) %}x{% endfor %}");
        assertTrue(m.contains("range() of 1000000000 numbers is longer than the " + TemplateFunctions.MAX_RANGE), m);
    }

    @Test
    void outputLoopUnderTheRangeCapStopsAtTheOutputCap() {
        // 10^12 characters from ranges the cap allows (100 a turn, so the cap is reached long before the time limit).
        String range = "range(" + TemplateFunctions.MAX_RANGE + ")";
        String m = failure("{% for i in " + range + " %}{% for j in " + range + " %}" + "x".repeat(100) + "{% endfor %}{% endfor %}");
        assertTrue(m.contains("output") || m.contains("limit"), m);
    }

    @Test
    void rangeCountsAsPythonDoes() {
        ChatTemplate t = ChatTemplate.of("{% for i in range(3) %}{{ i }}{% endfor %}|{% for i in range(2, 11, 3) %}{{ i }},{% endfor %}"
                + "|{% for i in range(5, 0, -2) %}{{ i }}{% endfor %}|{{ range(4, 1) | length }}|{{ range(2000) | length }}",
                "<s>", "</s>", "plain.gguf");
        assertEquals("012|2,5,8,|531|0|2000", t.render(HELLO, true));
        // the walk back through the conversation that Qwen-style templates do
        ChatTemplate back = ChatTemplate.of("{% for i in range(messages | length - 1, -1, -1) %}{{ messages[i].role }},{% endfor %}",
                "<s>", "</s>", "plain.gguf");
        assertEquals("assistant,user,", back.render(List.of(ChatMessage.user("hi"), ChatMessage.assistant("hello")), false));
    }

    @Test
    void endlessSelfInclusionIsStopped() {
        failure("{% set t = 'x' %}{% for m in messages %}{% include 'self.jinja' %}{% endfor %}");
    }
}
