package tandem.engine.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Whitespace control as Hugging Face renders chat templates: a Jinja2 environment with
 * trim_blocks and lstrip_blocks on. The expected strings were written by hand from Jinja2's
 * documented rules (templates.html#whitespace-control and the lexer they describe), not produced
 * by this code:
 * <ul>
 *   <li>lstrip_blocks removes spaces and tabs before a block tag or comment only when nothing but
 *       them stands between the start of the line (or of the template) and the tag;</li>
 *   <li>trim_blocks removes the first newline after a block tag or comment, never after
 *       {@code }}}};</li>
 *   <li>{@code {%-} and {@code -%}} remove all whitespace, newlines included, on their side;</li>
 *   <li>{@code {%+} keeps the whitespace lstrip_blocks would remove before that one tag.</li>
 * </ul>
 */
class JinjaWhitespaceTest {
    private static String render(String template) {
        return JinjaRenderer.render(template, Map.of("xs", List.of("a", "b"), "name", "N"));
    }

    @Test
    void blockTagAfterTextOnItsLineKeepsTheSpacesBeforeIt() {
        assertEquals("a b ", render("{% for x in xs %}{{ x }} {% endfor %}"));
        assertEquals("A B", render("{% if true %}A {% endif %}B"));
        assertEquals("N  x", render("{{ name }}  {% if true %}x{% endif %}"));
        assertEquals("line\ttext\t|", render("{% for x in ['line'] %}{{ x }}\ttext\t{% endfor %}|"));
    }

    @Test
    void spacesBetweenTwoTagsOnOneLineAreNotAtTheLineStartSoTheyStay() {
        assertEquals("  |", render("{% if true %}  {% endif %}|"));
        assertEquals("a  b  ", render("{% for x in xs %}{{ x }}{% if true %}  {% endif %}{% endfor %}"));
    }

    @Test
    void blockTagAloneOnAnIndentedLineLosesItsIndentation() {
        assertEquals("<a>\n    yes\n</a>", render("<a>\n    {% if true %}\n    yes\n    {% endif %}\n</a>"));
        assertEquals("x", render("  \t{% if true %}x{% endif %}"), "the start of the template is a line start");
        assertEquals("<a>\nab</a>",
                render("<a>\n\t{% for x in xs %}\n\t\t{%- if true %}{{ x }}{% endif %}\n\t{% endfor %}\n</a>"));
    }

    @Test
    void expressionsAreNeverLeftStripped() {
        assertEquals("<a>\n    N\n</a>", render("<a>\n    {{ name }}\n</a>"));
    }

    @Test
    void trimBlocksRemovesTheFirstNewlineAfterABlockTagOnly() {
        assertEquals("yes\nafter", render("{% if true %}\nyes\n{% endif %}\nafter"));
        assertEquals("\nyes", render("{% if true %}\n\nyes{% endif %}"), "one newline, not all");
        assertEquals("  \nyes", render("{% if true %}  \nyes{% endif %}"), "only a newline right after the tag");
        assertEquals("N\nb", render("{{ name }}\nb"), "not after an expression");
        assertEquals("a\nb\n", render("{% for x in xs %}\n{{ x }}\n{% endfor %}\n"));
    }

    @Test
    void minusSignsStripAllWhitespaceIncludingNewlines() {
        assertEquals("ab", render("a  \n \t {%- if true %}b{% endif %}"));
        assertEquals("b", render("{% if true -%}  \n\n  b{% endif %}"));
        assertEquals("a|b|", render("{% for x in xs -%}\n  {{ x }} \n {%- if true %}|{% endif %}\n{% endfor %}"));
        assertEquals("aNb", render("a \n {{- name -}} \n b"));
    }

    @Test
    void plusSignKeepsTheIndentationOfThatTag() {
        assertEquals("<a>\n    x", render("<a>\n    {%+ if true %}x{% endif %}"));
        assertEquals("<a>\n    x\n</a>", render("<a>\n    {%+ if true %}x\n    {% endif %}\n</a>"));
    }

    @Test
    void commentsAreLeftStrippedAndTrimmedLikeBlockTags() {
        assertEquals("<a>\n</a>", render("<a>\n    {# note #}\n</a>"));
        assertEquals("a  b", render("a {# note #} b"), "mid-line: the spaces on both sides stay");
        assertEquals("a b", render("a {# note #}\nb"));
        assertEquals("ab", render("a \n{#- note -#}\n b"));
        assertEquals(" {N", render(" {\n{#- note #}{{ name }}"));
    }

    @Test
    void tagsAreFoundAsJinja2FindsThemNotInsideStringsOrRawBlocks() {
        assertEquals("{% x  y", render("{{ '{% x' }}  {% if true %}y{% endif %}"));
        assertEquals("  %}", render("{% set d = {'k': '%}'} %}  {% if true %}{{ d.k }}{% endif %}"));
        // The raw tag is left-stripped but, unlike other block tags, keeps the newline after it;
        // inside, nothing is a tag, and the endraw tag alone on its line loses its indentation.
        assertEquals("<a>\n\n  {% if %}\n</a>", render("<a>\n  {% raw %}\n  {% if %}\n  {% endraw %}\n</a>"));
        assertEquals("{{ x }}\\'z", render("{% raw -%}\n  {{ x }}\\' \n  {%- endraw %}\nz"));
    }

    @Test
    void theSourceNewlinesAreLineFeedsAsJinja2WritesThem() {
        assertEquals("a\nb\n", render("{% for x in xs %}\r\n{{ x }}\r\n{% endfor %}\r\n"));
        assertEquals("<a>\nyes\n</a>", render("<a>\r  {% if true %}\ryes\r\n  {% endif %}\r\n</a>\r\n"));
    }
}
