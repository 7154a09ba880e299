package tandem.engine.parallel;

import java.util.Locale;

import tandem.engine.api.DevicePlan;
import tandem.engine.api.LoadPlan;
import tandem.engine.api.TandemException;

/** Refuses a plan that does not fit before anything is allocated, naming the device and the shortfall. */
public final class PlanFit {
    private static final double GIB = 1L << 30;

    private PlanFit() {}

    public static void requireFits(LoadPlan plan) {
        for (DevicePlan d : plan.devices()) {
            if (d.fits()) continue;
            String needs = String.format(Locale.ROOT, "the model does not fit on device %d (%s): it needs %.2f GiB (weights %s, KV cache %s, scratch %s)",
                    d.device(), d.deviceName(), d.totalBytes() / GIB, gib(d.weightBytes()), gib(d.kvCacheBytes()), gib(d.scratchBytes()));
            String shortBy = gib(d.totalBytes() - d.freeBytes());
            // a model the empty device would hold: the rest of its memory is another program's, which the user can close
            if (d.fitsEmptyDevice()) {
                throw new TandemException(String.format(Locale.ROOT,
                        "%s but only %.2f of its %.2f GiB are free, %s short: other programs hold %s of it; close them, "
                                + "or give it a smaller --split share, a shorter --ctx or more devices",
                        needs, d.freeBytes() / GIB, d.memoryBytes() / GIB, shortBy, gib(d.memoryBytes() - d.freeBytes())));
            }
            throw new TandemException(String.format(Locale.ROOT,
                    "%s but %.2f GiB are free, %s short; give it a smaller --split share, a shorter --ctx or more devices",
                    needs, d.freeBytes() / GIB, shortBy));
        }
    }

    static String gib(long bytes) {
        return bytes >= (1L << 30) ? String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30))
                : String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }
}
