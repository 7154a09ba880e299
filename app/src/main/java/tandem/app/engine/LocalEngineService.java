package tandem.app.engine;

import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import tandem.engine.runtime.DeviceInfo;
import tandem.engine.runtime.Engine;
import tandem.engine.runtime.EngineOptions;
import tandem.engine.runtime.LoadPlan;
import tandem.engine.runtime.LoadProgress;
import tandem.engine.runtime.LoadedModel;
import tandem.engine.runtime.ModelInfo;

/** The engine in this process, through its public facade. */
public final class LocalEngineService implements EngineService {
    @Override
    public List<DeviceInfo> devices() { return Engine.devices(); }

    @Override
    public ModelInfo check(Path model) { return Engine.check(model); }

    @Override
    public LoadPlan plan(Path model, EngineOptions options) { return Engine.plan(model, options); }

    @Override
    public LoadedModel load(Path model, EngineOptions options, LoadProgress progress, BooleanSupplier cancelled) {
        return Engine.load(model, options, progress, cancelled);
    }
}
