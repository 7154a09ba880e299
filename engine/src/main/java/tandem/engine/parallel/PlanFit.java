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
            throw new TandemException(String.format(Locale.ROOT,
                    "the model does not fit on device %d (%s): it needs %.2f GiB (weights %s, KV cache %s, scratch %s) "
                            + "but %.2f GiB are free, %s short; give it a smaller --split share, a shorter --ctx or more devices",
                    d.device(), d.deviceName(), d.totalBytes() / GIB, gib(d.weightBytes()), gib(d.kvCacheBytes()),
                    gib(d.scratchBytes()), d.freeBytes() / GIB, gib(d.totalBytes() - d.freeBytes())));
        }
    }

    static String gib(long bytes) {
        return bytes >= (1L << 30) ? String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30))
                : String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }
}
