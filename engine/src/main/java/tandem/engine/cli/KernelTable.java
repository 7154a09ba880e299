package tandem.engine.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import tandem.engine.api.KernelTime;

/** The tables of {@code tandem bench --profile}: where the GPU time went (top kernels) and where the host's (its phases per step). */
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

    /** The host's phases per step: the gap between the host's wait and the GPU's span is time the GPU sat idle. */
    static void printHost(List<KernelTime> phases, PrintStream out) {
        if (phases.isEmpty()) return;
        out.println();
        out.println("| host phase | times | total ms | µs each |");
        out.println("| --- | ---: | ---: | ---: |");
        for (KernelTime t : phases) {
            out.printf(Locale.ROOT, "| %s | %d | %.1f | %.1f |%n", t.kernel(), t.calls(), t.totalMicros() / 1e3,
                    t.totalMicros() / Math.max(1, t.calls()));
        }
    }
}
