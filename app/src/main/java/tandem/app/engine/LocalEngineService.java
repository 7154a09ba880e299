package tandem.app.engine;

import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import tandem.engine.api.DeviceInfo;
import tandem.engine.Engine;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadPlan;
import tandem.engine.api.LoadProgress;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.ModelInfo;

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
