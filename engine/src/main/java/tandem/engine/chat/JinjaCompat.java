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
 * It also drops one newline at the very end of the source, as Jinja2 does by default (Jinjava,
 * told to keep trailing newlines, would otherwise keep it; told not to, it strips rendered output).
 * Everything else is left byte for byte as it was.
 */
final class JinjaCompat {
    private JinjaCompat() {}

    private static final Pattern REVERSED_SLICE = Pattern.compile("\\[\\s*:\\s*:\\s*-1\\s*]");
    private static final Pattern KEYWORD = Pattern.compile("^(\\s*[A-Za-z_][A-Za-z0-9_]*\\s*)=(?!=)(.*)$", Pattern.DOTALL);

    static String adapt(String template) {
        String source = template.endsWith("\r\n") ? template.substring(0, template.length() - 2)
                : template.endsWith("\n") ? template.substring(0, template.length() - 1) : template;
        String out = REVERSED_SLICE.matcher(source).replaceAll("|reverse");
        return parenthesiseNamespaceArguments(out);
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
