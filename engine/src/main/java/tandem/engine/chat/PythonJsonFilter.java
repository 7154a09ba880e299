package tandem.engine.chat;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.AdvancedFilter;
import java.util.Map;

/**
 * {@code tojson} as Hugging Face's template environment defines it: Python's
 * {@code json.dumps(x, ensure_ascii=False, indent=indent)}. The spacing matters, because the JSON
 * of tool definitions lands verbatim in the prompt: ", " and ": " between items, or one item per
 * line with "," and ": " when indented. Jinjava's own filter writes compact JSON.
 */
final class PythonJsonFilter implements AdvancedFilter {

    @Override
    public String getName() { return "tojson"; }

    @Override
    public Object filter(Object value, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
        Object indent = kwargs != null && kwargs.containsKey("indent") ? kwargs.get("indent") : args != null && args.length > 0 ? args[0] : null;
        StringBuilder out = new StringBuilder();
        write(value, indent == null ? -1 : ((Number) indent).intValue(), 0, out);
        return out.toString();
    }

    private static void write(Object value, int indent, int depth, StringBuilder out) {
        switch (value) {
            case null -> out.append("null");
            case Boolean b -> out.append(b ? "true" : "false");
            case Integer i -> out.append(i);
            case Long l -> out.append(l);
            case Short s -> out.append(s);
            case Number n -> out.append(pythonFloat(n.doubleValue()));
            case Map<?, ?> map -> container('{', '}', map.entrySet(), indent, depth, out, (e, o) -> {
                string(String.valueOf(((Map.Entry<?, ?>) e).getKey()), o);
                o.append(": ");
                write(((Map.Entry<?, ?>) e).getValue(), indent, depth + 1, o);
            });
            case Iterable<?> items -> container('[', ']', items, indent, depth, out, (e, o) -> write(e, indent, depth + 1, o));
            case Object[] array -> write(java.util.Arrays.asList(array), indent, depth, out);
            default -> string(String.valueOf(value), out);
        }
    }

    private interface ItemWriter {
        void write(Object item, StringBuilder out);
    }

    private static void container(char open, char close, Iterable<?> items, int indent, int depth, StringBuilder out, ItemWriter writer) {
        out.append(open);
        boolean first = true;
        for (Object item : items) {
            if (!first) out.append(indent < 0 ? ", " : ",");
            if (indent >= 0) out.append('\n').append(" ".repeat(indent * (depth + 1)));
            writer.write(item, out);
            first = false;
        }
        if (!first && indent >= 0) out.append('\n').append(" ".repeat(indent * depth));
        out.append(close);
    }

    /** A JSON string with only what JSON requires escaped (ensure_ascii=False keeps other characters). */
    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        out.append('"');
    }

    /** Python's float repr for the common cases: integral values keep ".0", exponents are "1e+20". */
    private static String pythonFloat(double d) {
        if (Double.isNaN(d)) return "NaN";
        if (Double.isInfinite(d)) return d > 0 ? "Infinity" : "-Infinity";
        String s = Double.toString(d);
        int e = s.indexOf('E');
        if (e < 0) return s;
        String mantissa = s.substring(0, e).replaceAll("\\.0$", "");
        int exponent = Integer.parseInt(s.substring(e + 1));
        return mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
    }
}
