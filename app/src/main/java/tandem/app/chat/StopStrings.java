package tandem.app.chat;

import java.util.ArrayList;
import java.util.List;

/**
 * Stop strings in one text field: separated by commas, with {@code \n} for a new line,
 * {@code \t} for a tab, {@code \,} for a comma and {@code \\} for a backslash. Spaces around each
 * entry are dropped (write {@code \s} for a space that matters), and so are empty entries.
 */
final class StopStrings {
    private StopStrings() {}

    static List<String> parse(String text) {
        List<String> all = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ',') {
                add(all, current);
            } else if (c == '\\' && i + 1 < text.length()) {
                char next = text.charAt(++i);
                current.append(switch (next) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case 's' -> '\u0000'; // a space kept through the strip below
                    default -> next;
                });
            } else {
                current.append(c);
            }
        }
        add(all, current);
        return List.copyOf(all);
    }

    private static void add(List<String> all, StringBuilder entry) {
        // Only typed spaces go: a new line or tab written as \n or \t is meant.
        String s = entry.toString().replaceAll("^ +| +$", "").replace('\u0000', ' ');
        if (!s.isEmpty()) all.add(s);
        entry.setLength(0);
    }

    static String format(List<String> stops) {
        List<String> escaped = new ArrayList<>();
        for (String s : stops) {
            String e = s.replace("\\", "\\\\").replace(",", "\\,").replace("\n", "\\n").replace("\t", "\\t");
            if (e.startsWith(" ")) e = "\\s" + e.substring(1);
            if (e.endsWith(" ")) e = e.substring(0, e.length() - 1) + "\\s";
            escaped.add(e);
        }
        return String.join(", ", escaped);
    }
}
