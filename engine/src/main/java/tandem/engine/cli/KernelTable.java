package tandem.engine.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import tandem.engine.api.KernelTime;

/** The top-kernels table of {@code tandem bench --profile}: where the GPU time went. */
final class KernelTable {
    private static final int TOP = 15;

    private KernelTable() {}

    static void print(List<KernelTime> times, PrintStream out) {
        if (times.isEmpty()) {
            out.println("(no GPU kernel times: the backend does not measure them)");
            return;
        }
        double total = times.stream().mapToDouble(KernelTime::totalMicros).sum();
        out.println();
        out.println("| kernel | steps | total ms | µs/step | share % |");
        out.println("| --- | ---: | ---: | ---: | ---: |");
        for (KernelTime t : times.subList(0, Math.min(TOP, times.size()))) {
            out.printf(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f |%n", t.kernel(), t.calls(), t.totalMicros() / 1e3,
                    t.totalMicros() / Math.max(1, t.calls()), 100 * t.totalMicros() / total);
        }
    }
}
