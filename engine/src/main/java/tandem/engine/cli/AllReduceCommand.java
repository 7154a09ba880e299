package tandem.engine.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import tandem.engine.tools.AllReduceExercise;
import tandem.engine.parallel.AllReduceMode;
import tandem.engine.vulkan.VulkanDevice;
import tandem.engine.vulkan.VulkanInstance;

/**
 * {@code tandem allreduce --devices 0,1 [--length 4096,8192] [--mode relay,shared] [--rounds 100]
 * [--batches 50] [--no-ownership-transfer]}: runs the all-reduce between the devices for every
 * length and mode given, checks every element of every round, and prints one line per run (median
 * µs per all-reduce). Exits 1 when any element was wrong. {@code --no-ownership-transfer} drops the
 * slots' barriers to reproduce the stale reads they prevent on real GPUs (a diagnostic);
 * {@code --host-copies} runs the path for drivers that cannot import host memory.
 */
final class AllReduceCommand {
    private AllReduceCommand() {}

    static int run(String[] args, PrintStream out, PrintStream err) {
        CliArgs a = CliArgs.parse("allreduce", args, Set.of("--devices", "--length", "--mode", "--rounds", "--batches"),
                Set.of("--no-ownership-transfer", "--host-copies"));
        boolean transfers = !a.flag("--no-ownership-transfer");
        boolean copies = a.flag("--host-copies");
        List<Integer> indices = csv(a.value("--devices").orElse("0,0")).stream().map(Integer::parseInt).toList();
        List<Integer> lengths = csv(a.value("--length").orElse("4096")).stream().map(Integer::parseInt).toList();
        List<AllReduceMode> modes = csv(a.value("--mode").orElse("auto")).stream().map(AllReduceMode::parse).toList();
        int rounds = a.intValue("--rounds", 100);
        int batches = a.intValue("--batches", 20);
        long wrong = 0;
        try (VulkanInstance instance = VulkanInstance.create()) {
            List<VulkanDevice> devices = new ArrayList<>();
            try {
                for (int i : indices) devices.add(VulkanDevice.open(instance, i));
                err.println("all-reduce over " + devices.stream().map(VulkanDevice::label).toList());
                out.println("| path | devices | floats | rounds | wrong elements | devices disagree | median µs | min µs |");
                out.println("|---|---|---|---|---|---|---|---|");
                for (AllReduceMode mode : modes) {
                    for (int length : lengths) {
                        AllReduceExercise.Report r = AllReduceExercise.run(devices, mode, length, rounds, batches, 1234 + length,
                                transfers, copies);
                        wrong += r.wrongElements() + r.devicesDisagree();
                        out.printf(Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %.2f | %.2f |%n", r.path(), r.devices(), r.length(),
                                r.rounds(), r.wrongElements(), r.devicesDisagree(), r.medianMicros(), r.minMicros());
                        out.flush();
                    }
                }
            } finally {
                devices.reversed().forEach(VulkanDevice::close);
            }
        }
        return wrong == 0 ? 0 : 1;
    }

    private static List<String> csv(String v) { return List.of(v.split(",")); }
}
