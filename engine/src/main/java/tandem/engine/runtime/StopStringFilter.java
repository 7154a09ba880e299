package tandem.engine.runtime;

import java.util.List;

/**
 * Streams generated text while watching for stop strings. Text that could still become the start
 * of a stop string is held back until it is clear either way, so a stop string never reaches the
 * listener, even when it arrives split over several tokens.
 */
final class StopStringFilter {
    private final List<String> stopStrings;
    private final StringBuilder text = new StringBuilder();
    private int emitted;
    private boolean stopped;

    StopStringFilter(List<String> stopStrings) {
        this.stopStrings = stopStrings.stream().filter(s -> !s.isEmpty()).toList();
    }

    /** Adds newly decoded text; returns the text that is now safe to show (possibly empty). */
    String accept(String piece) {
        if (stopped) return "";
        text.append(piece);
        int stopAt = firstStopIndex();
        if (stopAt >= 0) {
            stopped = true;
            text.setLength(stopAt);
            return release(Math.max(emitted, stopAt));
        }
        return release(text.length() - longestPendingPrefix());
    }

    /** True once a stop string was seen; the text ends before it. */
    boolean stopped() { return stopped; }

    /** Whatever was held back (called when generation ends for another reason). */
    String flush() {
        return release(text.length());
    }

    /** The whole text shown so far (stop string excluded). */
    String text() {
        return text.substring(0, emitted);
    }

    private String release(int upTo) {
        if (upTo <= emitted) return "";
        String out = text.substring(emitted, upTo);
        emitted = upTo;
        return out;
    }

    /** Earliest occurrence of any stop string in the text not yet shown (plus overlap), or -1. */
    private int firstStopIndex() {
        int best = -1;
        for (String stop : stopStrings) {
            int from = Math.max(0, emitted - stop.length() + 1);
            int at = text.indexOf(stop, from);
            if (at >= 0 && (best < 0 || at < best)) best = at;
        }
        return best;
    }

    /** Length of the longest tail of the text that is a proper prefix of some stop string. */
    private int longestPendingPrefix() {
        int longest = 0;
        for (String stop : stopStrings) {
            int max = Math.min(stop.length() - 1, text.length() - emitted);
            for (int len = max; len > longest; len--) {
                if (tailEquals(stop, len)) {
                    longest = len;
                    break;
                }
            }
        }
        return longest;
    }

    /** Whether the text ends with the first len characters of s. */
    private boolean tailEquals(String s, int len) {
        int start = text.length() - len;
        for (int i = 0; i < len; i++) {
            if (text.charAt(start + i) != s.charAt(i)) return false;
        }
        return true;
    }
}
