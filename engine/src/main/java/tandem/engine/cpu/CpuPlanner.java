package tandem.engine.cpu;

import java.lang.management.ManagementFactory;
import java.util.List;
import tandem.engine.model.ModelConfig;
import tandem.engine.model.ModelTensors;
import tandem.engine.api.Backend;
import tandem.engine.api.DevicePlan;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadPlan;
import tandem.engine.api.SplitMode;
import tandem.engine.api.TandemException;

/** What running a model on the CPU needs, before loading: one device, the whole model. */
public final class CpuPlanner {
    private CpuPlanner() {}

    /**
     * @throws TandemException when the options ask for devices or a split: the CPU backend runs on
     *                         one device, and ignoring the request would hide a mistake
     */
    public static LoadPlan plan(ModelConfig config, ModelTensors tensors, EngineOptions options, int contextLength) {
        if (!options.devices().isEmpty() || !options.split().isEmpty() || options.splitMode() != SplitMode.NONE) {
            // under --backend auto the user never chose the CPU: say why it is the CPU
            String cpu = options.backend() == Backend.AUTO ? "no GPU was found, so the CPU backend runs" : "the CPU backend runs";
            throw new TandemException("--devices, --split and --split-mode choose Vulkan devices; "
                    + cpu + " on one device: drop them or use --backend vulkan");
        }
        options.cacheType().check(config.headDim());
        DevicePlan cpu = new DevicePlan(0, -1, "CPU", 1.0, tensors.totalBytes(),
                CpuRunner.kvCacheBytes(config, contextLength), scratchBytes(config, contextLength), physicalMemory());
        return new LoadPlan(SplitMode.NONE, contextLength, List.of(cpu), List.of(
                "weights are memory-mapped from the file; the KV cache (float32 arrays holding " + options.cacheType().optionName()
                        + " values) and scratch live on the Java heap (" + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB at most)"), options.cacheType());
    }

    /**
     * Activations and logits of one prefill batch, and attention scores over the whole context for
     * as many queries as run at once (one per thread).
     */
    static long scratchBytes(ModelConfig c, int contextLength) {
        long perToken = 3L * c.dim() + 2L * c.qDim() + 2L * c.kvDim() + 2L * c.ffnActivations() + c.vocab();
        long queriesAtOnce = Math.min(CpuRunner.BATCH, Runtime.getRuntime().availableProcessors());
        long scores = queriesAtOnce * c.heads() * (long) contextLength;
        return ((long) CpuRunner.BATCH * perToken + scores) * Float.BYTES;
    }

    private static long physicalMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return Long.MAX_VALUE;
    }
}
