package tandem.engine.vulkan;

import tandem.engine.api.TandemException;

/**
 * Integer tuning knobs given as system properties (-Dtandem.matvec.rows=8 ...): a value that is not
 * a whole number in the knob's range is a one-line error naming the knob and its range, not a driver
 * error or a silently ignored setting.
 */
public final class TuningKnob {
    private TuningKnob() {}

    /** The knob's value, or {@code fallback} when it is not set. */
    public static int get(String property, int fallback, int min, int max) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) return fallback;
        try {
            int n = Integer.parseInt(v.strip());
            if (n >= min && n <= max) return n;
        } catch (NumberFormatException e) {
            // reported below with the range
        }
        throw new TandemException("-D" + property + "=" + v + " is out of range: use a whole number from " + min + " to " + max
                + ", or leave it unset");
    }

    /** Whether the knob is set at all. */
    public static boolean isSet(String property) {
        String v = System.getProperty(property);
        return v != null && !v.isBlank();
    }
}
