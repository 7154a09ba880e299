package tandem.app.ui;

/** Byte counts for people: binary units, three significant figures. */
public final class Sizes {
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};

    private Sizes() {}

    public static String bytes(long bytes) {
        if (bytes == Long.MAX_VALUE) return "unknown";
        double value = bytes;
        int unit = 0;
        while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        if (unit == 0) return bytes + " B";
        String number = value >= 100 ? String.format(java.util.Locale.ROOT, "%.0f", value) : value >= 10 ? String.format(java.util.Locale.ROOT, "%.1f", value) : String.format(java.util.Locale.ROOT, "%.2f", value);
        return number + " " + UNITS[unit];
    }
}
