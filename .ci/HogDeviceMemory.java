// A second process that takes a GPU's device memory away from Tandem (issue #18), with Tandem's
// own Vulkan classes: device-local buffers of 1 GiB, then halves down to 16 MiB, until the device
// refuses one, --max-gib is held or the device-local heap's size is; each buffer is filled once so
// that its memory is committed. It prints one line when full (and writes it to --flag FILE, for
// a script to wait on), holds the memory for --hold-seconds, frees it, prints one more line and
// exits 0; any failure is one line and exit status 1, never a stack trace.
//
//   "$JAVA" --enable-native-access=ALL-UNNAMED -Dorg.lwjgl.system.memoryBackend=ffm \
//       -cp '.gpu/lib/*:engine/target/classes' .ci/HogDeviceMemory.java \
//       [--device N] [--max-gib G] [--hold-seconds S] [--flag FILE]
//
// with a JDK (Java's source launcher). The device machines' Java runtime has no compiler: there
// .ci/gpu.sh runs the class that its pack step compiled into .gpu/hog (its exhaust part).
//
// An allocation VMA placed outside the device-local heaps (it falls back to host memory once
// those are full) does not count: it is freed at once and taken as the device's refusal.

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.util.vma.Vma;
import org.lwjgl.util.vma.VmaTotalStatistics;
import org.lwjgl.vulkan.VK10;
import org.lwjgl.vulkan.VkPhysicalDeviceMemoryProperties;
import tandem.engine.api.TandemException;
import tandem.engine.vulkan.BufferKind;
import tandem.engine.vulkan.CommandRecorder;
import tandem.engine.vulkan.GpuBuffer;
import tandem.engine.vulkan.VulkanDevice;
import tandem.engine.vulkan.VulkanInstance;

public class HogDeviceMemory {
    static final long MIB = 1L << 20, GIB = 1L << 30, SMALLEST = 16 * MIB;

    public static void main(String[] args) {
        int status;
        try {
            status = run(args);
        } catch (Throwable e) { // one line whatever went wrong, never a stack trace
            String m = e.getMessage();
            System.out.println("hog: failed: " + (m == null || m.isBlank() ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m)));
            status = 1;
        }
        System.out.flush();
        System.exit(status);
    }

    static int run(String[] args) throws Exception {
        int deviceIndex = 0;
        double maxGib = Double.POSITIVE_INFINITY, holdSeconds = 30;
        Path flag = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) return usage("option " + a + " needs a value");
            String v = args[++i];
            switch (a) {
                case "--device" -> deviceIndex = Integer.parseInt(v);
                case "--max-gib" -> maxGib = Double.parseDouble(v);
                case "--hold-seconds" -> holdSeconds = Double.parseDouble(v);
                case "--flag" -> flag = Path.of(v);
                default -> { return usage("unknown option " + a); }
            }
        }
        long start = System.nanoTime();
        try (VulkanInstance instance = VulkanInstance.create(false);
             VulkanDevice device = VulkanDevice.open(instance, deviceIndex)) {
            // never more than the device-local heap, should a driver hand out more than it has (from host memory)
            long heap = device.physical().deviceLocalBytes();
            long cap = maxGib == Double.POSITIVE_INFINITY || maxGib * GIB >= heap ? heap : (long) (maxGib * GIB);
            List<GpuBuffer> held = new ArrayList<>();
            long heldBytes = 0, chunk = GIB;
            String stop = cap == heap ? "the device-local heap's size, " + gib(cap) + " GiB" : "the cap of " + gib(cap) + " GiB";
            long[] before = device.deviceLocalUsage(); // {used, budget} over the device-local heaps
            try (CommandRecorder fill = CommandRecorder.create(device)) {
                while (true) {
                    long want = Math.min(chunk, cap - heldBytes);
                    if (want < SMALLEST) {
                        if (cap - heldBytes < SMALLEST) break; // the cap is reached
                        stop = "the device's refusal of " + SMALLEST / MIB + " MiB: " + lastRefusal;
                        break;
                    }
                    GpuBuffer b = allocate(device, want, held.size());
                    if (b == null) {
                        chunk = want / 2;
                        continue;
                    }
                    try { // commits the memory where allocation alone might not
                        fill.begin().fill(b.all(), 0).end().submitAndWait();
                    } catch (TandemException e) { // the driver had no memory left to run it: hold what is held
                        b.close();
                        stop = "a failed fill: " + e.getMessage().lines().findFirst().orElse("");
                        break;
                    }
                    held.add(b);
                    heldBytes += want;
                }
                long[] now = device.deviceLocalUsage();
                String line = String.format(Locale.ROOT, "hog: holding %.2f GiB of device-local memory in %d buffers on %s "
                                + "(%.2f GiB free before, %.2f GiB after; stopped at %s) for %s s",
                        heldBytes / (double) GIB, held.size(), device.label(), (before[1] - before[0]) / (double) GIB,
                        Math.max(0, now[1] - now[0]) / (double) GIB, stop, trim(holdSeconds));
                System.out.println(line);
                System.out.flush();
                if (flag != null) Files.writeString(flag, line + "\n");
                Thread.sleep((long) (holdSeconds * 1000));
                for (GpuBuffer b : held.reversed()) b.close();
            }
            System.out.printf(Locale.ROOT, "hog: freed %.2f GiB after %.1f s; exiting%n", heldBytes / (double) GIB,
                    (System.nanoTime() - start) / 1e9);
        }
        return 0;
    }

    static String lastRefusal = "no memory left";

    /** A device-local buffer of {@code bytes}, or null where the device has none left (or VMA placed it in host memory). */
    static GpuBuffer allocate(VulkanDevice device, long bytes, int n) {
        long usedBefore = deviceLocalAllocationBytes(device);
        GpuBuffer b;
        try {
            b = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, bytes, "hog-" + n);
        } catch (TandemException e) {
            lastRefusal = e.getMessage().lines().findFirst().orElse("");
            return null;
        }
        if (deviceLocalAllocationBytes(device) - usedBefore < bytes) { // it landed outside the device-local heaps
            b.close();
            lastRefusal = "VMA placed " + gib(bytes) + " GiB outside device-local memory";
            return null;
        }
        return b;
    }

    /** Bytes of VMA allocations in the device-local heaps. */
    static long deviceLocalAllocationBytes(VulkanDevice device) {
        try (MemoryStack stack = MemoryStack.stackPush()) {
            VkPhysicalDeviceMemoryProperties props = VkPhysicalDeviceMemoryProperties.malloc(stack);
            VK10.vkGetPhysicalDeviceMemoryProperties(device.physical().handle(), props);
            VmaTotalStatistics stats = VmaTotalStatistics.malloc(stack);
            Vma.vmaCalculateStatistics(device.allocator(), stats);
            long bytes = 0;
            for (int h = 0; h < props.memoryHeapCount(); h++) {
                if ((props.memoryHeaps(h).flags() & VK10.VK_MEMORY_HEAP_DEVICE_LOCAL_BIT) != 0) {
                    bytes += stats.memoryHeap(h).statistics().allocationBytes();
                }
            }
            return bytes;
        }
    }

    static String gib(long bytes) {
        return trim(bytes / (double) GIB);
    }

    static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.3f", v);
    }

    static int usage(String why) {
        System.out.println("hog: " + why + "; usage: HogDeviceMemory.java [--device N] [--max-gib G] [--hold-seconds S] [--flag FILE]");
        return 2;
    }
}
