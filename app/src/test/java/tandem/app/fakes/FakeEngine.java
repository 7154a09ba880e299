package tandem.app.fakes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import tandem.app.engine.EngineService;
import tandem.engine.api.DeviceInfo;
import tandem.engine.api.DevicePlan;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadPlan;
import tandem.engine.api.LoadProgress;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.ModelInfo;
import tandem.engine.api.SplitMode;

/**
 * A stand-in engine for view-model unit tests only (the UI tests drive the real engine).
 * Its plan is the simplest honest model: each device needs the model's weights times its share
 * of the ratios, plus a fixed KV cache and scratch.
 */
public class FakeEngine implements EngineService {
    public static final long GIB = 1L << 30;

    private final List<DeviceInfo> devices;
    private final long weightBytes;
    public final List<EngineOptions> planned = new ArrayList<>();
    public final List<EngineOptions> loaded = new ArrayList<>();
    public FakeModel model = new FakeModel(300);

    public FakeEngine(List<DeviceInfo> devices, long weightBytes) {
        this.devices = List.copyOf(devices);
        this.weightBytes = weightBytes;
    }

    public static DeviceInfo gpu(int index, String name, long totalGiB, long freeGiB) {
        return new DeviceInfo(index, name, "Vendor", "driver 1.0", "discrete", totalGiB * GIB, freeGiB * GIB, 32, List.of("fp16"));
    }

    @Override
    public List<DeviceInfo> devices() { return devices; }

    /** Files that fail the check, and the message the engine gives for each. */
    public final java.util.Map<Path, String> badFiles = new java.util.HashMap<>();

    @Override
    public ModelInfo check(Path model) {
        String problem = badFiles.get(model);
        if (problem != null) throw new tandem.engine.api.TandemException(problem);
        return new ModelInfo(model, "fake", "llama", 1_000_000, weightBytes, 4, 64, 256, 4, 4, 16, 512, 100,
                Map.of("F32", weightBytes), "llama", false);
    }

    @Override
    public LoadPlan plan(Path model, EngineOptions options) {
        planned.add(options);
        List<DevicePlan> plans = new ArrayList<>();
        int n = Math.max(1, options.devices().size());
        double sum = options.split().stream().mapToDouble(Double::doubleValue).sum();
        for (int i = 0; i < n; i++) {
            double share = options.split().isEmpty() ? 1.0 / n : options.split().get(i) / sum;
            int physical = options.devices().isEmpty() ? -1 : options.devices().get(i);
            long free = physical < 0 ? Long.MAX_VALUE : devices.get(physical).vramFree();
            plans.add(new DevicePlan(i, physical, physical < 0 ? "CPU" : devices.get(physical).name(), share,
                    Math.round(weightBytes * share), GIB / 4, GIB / 8, free));
        }
        return new LoadPlan(n > 1 ? options.splitMode() : SplitMode.NONE, 512, plans, List.of());
    }

    @Override
    public LoadedModel load(Path path, EngineOptions options, LoadProgress progress, BooleanSupplier cancelled) {
        String problem = badFiles.get(path);
        if (problem != null) throw new tandem.engine.api.TandemException(problem);
        loaded.add(options);
        for (int i = 1; i <= 10; i++) progress.update(i / 10.0, "weights " + i);
        return model;
    }
}
