package tandem.engine.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites the two Jinja2 constructs real chat templates use that Jinjava cannot parse, into
 * equivalents it can:
 * <ul>
 *   <li>{@code seq[::-1]} (Python slice with a step; Qwen3 walks its messages backwards) becomes
 *       {@code seq|reverse};</li>
 *   <li>in {@code namespace(a=x, b=messages|length - 1)} Jinjava binds {@code b=messages|length}
 *       before the subtraction, so each keyword value is parenthesised.</li>
 * </ul>
 * As Jinja2 does, it writes every CRLF or CR in the source as LF and drops one newline at the very
 * end of the source (Jinjava, told to keep trailing newlines, would otherwise keep it; told not to,
 * it strips rendered output). It applies lstrip_blocks itself and does all whitespace control of
 * comments (see {@link #controlWhitespace}), because Jinjava strips the whitespace before a block
 * tag even where text precedes it on its line, and mishandles it around comments.
 * Everything else is left byte for byte as it was.
 */
final class JinjaCompat {
    private JinjaCompat() {}

    private static final Pattern REVERSED_SLICE = Pattern.compile("\\[\\s*:\\s*:\\s*-1\\s*]");
    private static final Pattern KEYWORD = Pattern.compile("^(\\s*[A-Za-z_][A-Za-z0-9_]*\\s*)=(?!=)(.*)$", Pattern.DOTALL);

    static String adapt(String template) {
        String normalised = template.replace("\r\n", "\n").replace('\r', '\n');
        String source = normalised.endsWith("\n") ? normalised.substring(0, normalised.length() - 1) : normalised;
        String out = REVERSED_SLICE.matcher(controlWhitespace(source)).replaceAll("|reverse");
        return parenthesiseNamespaceArguments(out);
    }

    private static final Pattern RAW_BEGIN = Pattern.compile("\\{%[-+]?\\s*raw\\s*-?%}");
    private static final Pattern RAW_END = Pattern.compile("\\{%[-+]?\\s*endraw\\s*[-+]?%}");

    /**
     * Jinja2's lstrip_blocks, as its lexer applies it: the whitespace before a block tag
     * ({@code {%}) or a comment ({@code {#}) are removed only when nothing else stands between them
     * and the start of their line or of the template. Text before the tag on its line, an
     * expression ({@code }}}}) or another tag keeps them. {@code {%+} keeps them and loses its
     * {@code +}, which Jinjava does not know; {@code {%-} is left to Jinjava, which strips all
     * whitespace for it; expressions are never left-stripped. Tags are found as Jinja2 finds them:
     * a closing delimiter inside a string literal or open brackets does not end a tag, and the
     * text of a raw block is not searched. Comments and raw blocks get all of Jinja2's whitespace
     * control here (lstrip_blocks, trim_blocks, '-' and '+' on either side) and are replaced by an
     * expression printing their text: {@code {{ '' }}} for a comment.
     */
    static String controlWhitespace(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int copied = 0;
        int pos = 0;
        while (true) {
            int open = s.indexOf('{', pos);
            if (open < 0 || open + 1 >= s.length()) break;
            char kind = s.charAt(open + 1);
            if (kind != '{' && kind != '%' && kind != '#') {
                pos = open + 1;
                continue;
            }
            char sign = open + 2 < s.length() ? s.charAt(open + 2) : 0;
            int end = tagEnd(s, open, kind);
            boolean raw = kind == '%' && end >= 0 && RAW_BEGIN.matcher(s).region(open, s.length()).lookingAt();
            if (kind == '#' && end >= 0 || raw) {
                // Jinjava mishandles the whitespace around comments (a "-#}" strips nothing, a
                // "{#-" also strips the text after it, a "-%}" before one strips through it) and
                // raw blocks (it ignores their '-' and trims the newline after "{% raw %}"), so
                // each is replaced here by an expression that prints its text, with Jinja2's
                // whitespace control done here.
                int indent = indentationStart(s, open);
                int before = sign == '-' ? spaceBefore(s, open, copied) : sign != '+' && indent >= copied ? indent : open;
                out.append(s, copied, before);
                String text = "";
                int after = end;
                if (raw) {
                    int from = s.charAt(end - 3) == '-' ? spaceAfter(s, end) : end;
                    Matcher endRaw = RAW_END.matcher(s);
                    if (!endRaw.find(from)) {
                        copied = before;
                        break;
                    }
                    boolean lineStart = from > end && s.charAt(from - 1) == '\n';
                    text = rawText(s.substring(from, endRaw.start()), s.charAt(endRaw.start() + 2), lineStart);
                    after = endRaw.end();
                }
                int marker = raw ? after - 3 : end - 3 >= open + 2 + (sign == '-' || sign == '+' ? 1 : 0) ? end - 3 : -1;
                char endSign = marker >= 0 ? s.charAt(marker) : 0;
                copied = endSign == '-' ? spaceAfter(s, after) : endSign == '+' ? after : afterNewline(s, after);
                printExpression(out, text);
                pos = copied;
                continue;
            }
            if (kind == '%' && sign == '+') {
                out.append(s, copied, open + 2);
                copied = open + 3;
            } else if (kind == '%' && sign != '-') {
                int start = indentationStart(s, open);
                if (start >= copied) {
                    out.append(s, copied, start);
                    copied = open;
                }
            }
            if (end < 0) break;
            pos = end;
        }
        return out.append(s, copied, s.length()).toString();
    }

    /**
     * The text of a raw block as Jinja2 prints it: the whitespace before "{% endraw" goes as
     * before any block tag, by its {@code sign} or by lstrip_blocks; {@code lineStart} says that
     * the raw tag's own "-%}" ate whitespace up to a line start.
     */
    private static String rawText(String text, char sign, boolean lineStart) {
        if (sign == '-') return text.substring(0, spaceBefore(text, text.length(), 0));
        if (sign == '+') return text;
        int line = text.lastIndexOf('\n') + 1;
        boolean blank = text.substring(line).chars().allMatch(c -> isPythonSpace((char) c));
        return (line > 0 || lineStart) && blank ? text.substring(0, line) : text;
    }

    /** Appends an expression printing {@code text}; a '{' ending {@code out} goes into it, lest "{{{" be read. */
    private static void printExpression(StringBuilder out, String text) {
        if (!out.isEmpty() && out.charAt(out.length() - 1) == '{') {
            out.setLength(out.length() - 1);
            text = "{" + text;
        }
        out.append("{{ '").append(text.replace("\\", "\\\\").replace("'", "\\'")).append("' }}");
    }

    /**
     * Where the whitespace before {@code tag} starts, when only whitespace stands between the tag and
     * the start of its line or of the source; else -1.
     */
    private static int indentationStart(String s, int tag) {
        int i = tag;
        while (i > 0 && isPythonSpace(s.charAt(i - 1)) && s.charAt(i - 1) != '\n') i--;
        return i == 0 || s.charAt(i - 1) == '\n' ? i : -1;
    }

    /** Where the whitespace (newlines too) ending at {@code at} starts, not before {@code from}. */
    private static int spaceBefore(String s, int at, int from) {
        int i = at;
        while (i > from && isPythonSpace(s.charAt(i - 1))) i--;
        return i;
    }

    /** Where the whitespace (newlines too) starting at {@code at} ends. */
    private static int spaceAfter(String s, int at) {
        int i = at;
        while (i < s.length() && isPythonSpace(s.charAt(i))) i++;
        return i;
    }

    /** Just past the newline at {@code at}, if there is one; else {@code at}. */
    private static int afterNewline(String s, int at) {
        return at < s.length() && s.charAt(at) == '\n' ? at + 1 : at;
    }

    /** What Python's {@code \s} (str.isspace) matches, which Jinja2's lexer uses. */
    private static boolean isPythonSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
    }

    /**
     * The index just past the delimiter closing the tag opened at {@code open} ({@code kind} is
     * '{', '%' or '#'), or -1 when it is never closed. A comment ends at the first {@code #}};
     * an expression or block tag at the first {@code }}}} or {@code %}} outside string literals
     * and brackets, as Jinja2's lexer balances them.
     */
    private static int tagEnd(String s, int open, char kind) {
        if (kind == '#') {
            int close = s.indexOf("#}", open + 2);
            return close < 0 ? -1 : close + 2;
        }
        char close = kind == '{' ? '}' : '%';
        for (int i = nextTopLevel(s, open + 2, close); i >= 0; i = nextTopLevel(s, i + 1, close)) {
            if (s.charAt(i) == close && i + 1 < s.length() && s.charAt(i + 1) == '}') return i + 2;
        }
        return -1;
    }

    private static String parenthesiseNamespaceArguments(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        int from = 0;
        while (true) {
            int call = s.indexOf("namespace(", from);
            if (call < 0) break;
            int open = call + "namespace(".length();
            int close = matchingParen(s, open);
            if (close < 0) break;
            out.append(s, from, open);
            List<String> args = splitTopLevel(s.substring(open, close));
            for (int i = 0; i < args.size(); i++) {
                if (i > 0) out.append(',');
                Matcher m = KEYWORD.matcher(args.get(i));
                out.append(m.matches() ? m.group(1) + "=(" + m.group(2) + ")" : args.get(i));
            }
            out.append(')');
            from = close + 1;
        }
        return out.append(s.substring(from)).toString();
    }

    /** Index of the ')' closing a call whose arguments start at {@code open}, or -1. */
    private static int matchingParen(String s, int open) {
        int end = nextTopLevel(s, open, '\0');
        return end >= 0 && s.charAt(end) == ')' ? end : -1;
    }

    private static List<String> splitTopLevel(String args) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int comma = nextTopLevel(args, 0, ','); comma >= 0; comma = nextTopLevel(args, start, ',')) {
            parts.add(args.substring(start, comma));
            start = comma + 1;
        }
        parts.add(args.substring(start));
        return parts;
    }

    /**
     * The index of the first {@code stop} character outside brackets and quoted strings, or of a
     * closing bracket that closes nothing opened after {@code from}; -1 when there is neither.
     */
    private static int nextTopLevel(String s, int from, char stop) {
        int depth = 0;
        char quote = 0;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == '\\') i++;
                else if (c == quote) quote = 0;
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                if (depth == 0) return i;
                depth--;
            } else if (c == stop && depth == 0) {
                return i;
            }
        }
        return -1;
    }
}
