package tandem.engine.chat;

import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.AbstractList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** Global functions that Hugging Face's chat-template environment provides and templates call. */
public final class TemplateFunctions {
    private TemplateFunctions() {}

    /** What a template's {@code raise_exception(msg)} throws; the renderer reports the message. */
    static final class TemplateRaised extends RuntimeException {
        TemplateRaised(String message) { super(message); }
    }

    /** What the renderer throws where a template asks for more than it allows; the message says what, for the user. */
    static final class RenderRefused extends RuntimeException {
        RenderRefused(String message) { super(message); }
    }

    /**
     * Most numbers one {@code range()} may count, as in the sandbox Hugging Face renders templates in
     * (Jinja2's {@code MAX_RANGE}). Jinjava's own range cuts longer ones to 1,000 without a word,
     * which would render a different prompt than Hugging Face without telling anyone.
     */
    static final int MAX_RANGE = 100_000;

    /**
     * {@code range([start,] stop[, step])} as Python counts it; the numbers are computed as the loop
     * asks for them.
     *
     * @throws RenderRefused when it counts more than {@value #MAX_RANGE} numbers, as the sandbox refuses
     */
    public static List<Integer> range(Object first, Object... rest) {
        long start = 0, stop, step = 1;
        if (rest.length == 0) {
            stop = whole(first);
        } else {
            start = whole(first);
            stop = whole(rest[0]);
            if (rest.length > 1) step = whole(rest[1]);
        }
        if (step == 0) throw new RenderRefused("range() step must not be zero");
        long count = step > 0 ? Math.max(0, Math.ceilDiv(stop - start, step)) : Math.max(0, Math.ceilDiv(start - stop, -step));
        if (count > MAX_RANGE) {
            throw new RenderRefused("range() of " + count + " numbers is longer than the " + MAX_RANGE
                    + " a chat template may count");
        }
        long from = start, by = step;
        int size = (int) count;
        return new AbstractList<>() {
            @Override public Integer get(int i) { return Math.toIntExact(from + by * Objects.checkIndex(i, size)); }

            @Override public int size() { return size; }
        };
    }

    private static long whole(Object n) {
        if (n instanceof Number number) return number.longValue();
        try {
            return Long.parseLong(String.valueOf(n).strip());
        } catch (NumberFormatException e) {
            throw new RenderRefused("range() takes whole numbers, not " + n);
        }
    }

    /** {@code raise_exception(message)}: the template refuses the conversation. */
    public static Object raiseException(String message) {
        throw new TemplateRaised(message);
    }

    /** {@code strftime_now(format)}: the current local time in Python strftime notation (Llama 3.1's date line). */
    public static String strftimeNow(String format) {
        return strftime(ZonedDateTime.now(), format);
    }

    static String strftime(ZonedDateTime t, String format) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 >= format.length()) {
                sb.append(c);
                continue;
            }
            char code = format.charAt(++i);
            boolean noPad = code == '-' && i + 1 < format.length();
            if (noPad) code = format.charAt(++i);
            switch (code) {
                case 'd' -> sb.append(pad(t.getDayOfMonth(), noPad));
                case 'm' -> sb.append(pad(t.getMonthValue(), noPad));
                case 'Y' -> sb.append(t.getYear());
                case 'y' -> sb.append(pad(t.getYear() % 100, noPad));
                case 'H' -> sb.append(pad(t.getHour(), noPad));
                case 'I' -> sb.append(pad((t.getHour() + 11) % 12 + 1, noPad));
                case 'M' -> sb.append(pad(t.getMinute(), noPad));
                case 'S' -> sb.append(pad(t.getSecond(), noPad));
                case 'p' -> sb.append(t.getHour() < 12 ? "AM" : "PM");
                case 'b' -> sb.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'B' -> sb.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'a' -> sb.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'A' -> sb.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'j' -> sb.append(String.format(Locale.ROOT, noPad ? "%d" : "%03d", t.getDayOfYear()));
                case '%' -> sb.append('%');
                default -> sb.append('%').append(code);
            }
        }
        return sb.toString();
    }

    private static String pad(int v, boolean noPad) {
        return noPad ? Integer.toString(v) : String.format(Locale.ROOT, "%02d", v);
    }
}
