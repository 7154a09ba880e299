package tandem.engine.vulkan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import tandem.engine.runtime.ModelRunner;
import tandem.engine.vulkan.VulkanDevice.AllocatorStatistics;

/**
 * Loads a model onto devices held open, runs a prompt and a decode step, unloads it, and again,
 * checking each device's VMA allocator after every unload: as many allocations and bytes as before
 * the first load, and (VMA keeps one empty block per memory type as hysteresis) the same blocks
 * and heap usage as after the first unload.
 *
 * <p>{@value #CI_LOADS} loads in CI; {@code -Dtandem.reliability.full=true} runs 200.
 */
public final class ReloadLoop {
    static final int CI_LOADS = 10;
    public static final int LOADS = Boolean.getBoolean("tandem.reliability.full") ? 200 : CI_LOADS;
    private static final int[] PROMPT = {1, 43, 211, 29};

    private ReloadLoop() {}

    /** @return the figures, one line: per device before the first load, while a sequence runs, and after the last unload */
    public static String run(List<VulkanDevice> devices, Supplier<ModelRunner> load, int context) {
        List<AllocatorStatistics> start = statistics(devices);
        List<AllocatorStatistics> loaded = start, settled = null;
        for (int i = 0; i < LOADS; i++) {
            try (ModelRunner runner = load.get()) {
                try (ModelRunner.State state = runner.newState(context)) {
                    int next = argmax(state.forward(PROMPT, 0, false));
                    float[] logits = state.forward(new int[] {next}, PROMPT.length, false);
                    for (float v : logits) assertTrue(Float.isFinite(v), "load " + i + ": logits are finite");
                    loaded = statistics(devices);
                }
                for (int d = 0; d < devices.size(); d++) {
                    assertTrue(loaded.get(d).allocations() > start.get(d).allocations(), "load " + i + " allocates on device " + d);
                }
            } catch (Exception e) {
                throw new AssertionError("load " + i + " failed", e);
            }
            List<AllocatorStatistics> after = statistics(devices);
            for (int d = 0; d < devices.size(); d++) {
                String where = "device " + d + " after unload " + i;
                assertEquals(start.get(d).allocations(), after.get(d).allocations(), where + ": allocations");
                assertEquals(start.get(d).allocationBytes(), after.get(d).allocationBytes(), where + ": allocated bytes");
            }
            if (settled == null) settled = after;
            else assertEquals(settled, after, "blocks and heap usage after unload " + i + " against after the first");
        }
        StringBuilder line = new StringBuilder(LOADS + " loads");
        for (int d = 0; d < devices.size(); d++) {
            line.append(String.format(" | device %d: allocations %d -> %d -> %d, bytes %d -> %d -> %d, blocks %d (%d bytes) -> %d -> %d,"
                            + " heap usage %d -> %d -> %d", d,
                    start.get(d).allocations(), loaded.get(d).allocations(), settled.get(d).allocations(),
                    start.get(d).allocationBytes(), loaded.get(d).allocationBytes(), settled.get(d).allocationBytes(),
                    start.get(d).blocks(), start.get(d).blockBytes(), loaded.get(d).blocks(), settled.get(d).blocks(),
                    start.get(d).heapUsage(), loaded.get(d).heapUsage(), settled.get(d).heapUsage()));
        }
        return line.toString();
    }

    private static List<AllocatorStatistics> statistics(List<VulkanDevice> devices) {
        List<AllocatorStatistics> out = new ArrayList<>();
        for (VulkanDevice d : devices) out.add(d.allocatorStatistics());
        return out;
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}
