package tandem.engine.cli;

import java.util.Locale;

/** Byte counts for people: 1024-based units, as llama.cpp prints model sizes (4.33 GiB). */
final class ByteSizes {
    private ByteSizes() {}

    static String human(long bytes) {
        if (bytes < 1024) return bytes + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.2f %s", v, units[u]);
    }

    /** 8030261248 -> "8.03 B", 260096 -> "260.10 K" (parameter counts, 1000-based). */
    static String count(long n) {
        if (n < 1000) return Long.toString(n);
        String[] units = {"K", "M", "B", "T"};
        double v = n;
        int u = -1;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, "%.2f %s", v, units[u]);
    }
}
