package tandem.engine.parallel;

import java.util.Locale;

import tandem.engine.runtime.DevicePlan;
import tandem.engine.runtime.LoadPlan;
import tandem.engine.runtime.TandemException;

/** Refuses a plan that does not fit before anything is allocated, naming the device and the shortfall. */
public final class PlanFit {
    private PlanFit() {}

    public static void requireFits(LoadPlan plan) {
        for (DevicePlan d : plan.devices()) {
            if (d.fits()) continue;
            throw new TandemException(String.format(Locale.ROOT,
                    "device %d (%s) needs %s (weights %s, KV cache %s, scratch %s) but has %s free: %s short; "
                            + "give it a smaller --split share, a shorter --ctx or more devices",
                    d.device(), d.deviceName(), gib(d.totalBytes()), gib(d.weightBytes()), gib(d.kvCacheBytes()),
                    gib(d.scratchBytes()), gib(d.freeBytes()), gib(d.totalBytes() - d.freeBytes())));
        }
    }

    static String gib(long bytes) {
        return bytes >= (1L << 30) ? String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30))
                : String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }
}
