package tandem.engine.parallel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import tandem.engine.gguf.GgufFile;
import tandem.engine.model.ModelConfig;
import tandem.engine.model.ModelConfigReader;
import tandem.engine.api.DeviceInfo;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.TandemException;

/**
 * Turns a model file and the user's engine options into a {@link SplitPlan} for Vulkan devices:
 * which devices, what shares, what context. Reads only the GGUF header, never the weights.
 */
public final class SplitPlanning {
    /** Context used when the user gives none: the model's own, but at most this many tokens. */
    public static final int DEFAULT_CONTEXT_CAP = 8192;

    private SplitPlanning() {}

    /**
     * @param available the Vulkan devices in {@code tandem devices} order
     */
    public static SplitPlan plan(Path model, EngineOptions options, List<DeviceInfo> available) {
        try (GgufFile file = GgufFile.open(model)) {
            ModelConfig config = ModelConfigReader.read(file);
            ModelShape shape = ModelShape.of(model.getFileName().toString(), config, file);
            List<DeviceBudget> devices = devices(options, available);
            options.cacheType().check(config.headDim());
            return SplitPlanner.plan(shape, options.splitMode(), devices, Ratios.of(options.split(), devices.size()),
                    contextLength(options, config), options.cacheType());
        }
    }

    /** The context the plan is made for: the user's, else the model's own up to {@link #DEFAULT_CONTEXT_CAP}. */
    public static int contextLength(EngineOptions options, ModelConfig config) {
        return options.contextLength() > 0 ? options.contextLength() : Math.min(config.contextLength(), DEFAULT_CONTEXT_CAP);
    }

    /** The chosen logical devices; {@code --devices} may repeat one (several logical devices on one GPU). */
    static List<DeviceBudget> devices(EngineOptions options, List<DeviceInfo> available) {
        if (available.isEmpty()) {
            throw new TandemException("no Vulkan device found; install a Vulkan driver or use --backend cpu");
        }
        List<Integer> chosen = options.devices().isEmpty() ? List.of(0) : options.devices();
        List<DeviceBudget> out = new ArrayList<>();
        for (int index : chosen) {
            if (index < 0 || index >= available.size()) {
                throw new TandemException("no Vulkan device " + index + "; 'tandem devices' lists 0.." + (available.size() - 1));
            }
            DeviceInfo d = available.get(index);
            // logical devices on one GPU share its memory: each gets an equal part of what is free
            long sharing = chosen.stream().filter(i -> i == index).count();
            out.add(new DeviceBudget(index, d.name(), d.vramFree() == Long.MAX_VALUE ? Long.MAX_VALUE : d.vramFree() / sharing,
                    d.vramTotal() <= 0 || d.vramTotal() == Long.MAX_VALUE ? Long.MAX_VALUE : d.vramTotal() / sharing));
        }
        return out;
    }
}
