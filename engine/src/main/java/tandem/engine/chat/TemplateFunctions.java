package tandem.engine.chat;

import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.Locale;

/** Global functions that Hugging Face's chat-template environment provides and templates call. */
public final class TemplateFunctions {
    private TemplateFunctions() {}

    /** What a template's {@code raise_exception(msg)} throws; the renderer reports the message. */
    static final class TemplateRaised extends RuntimeException {
        TemplateRaised(String message) { super(message); }
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
