package tandem.app.engine;

import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import tandem.engine.runtime.DeviceInfo;
import tandem.engine.runtime.EngineOptions;
import tandem.engine.runtime.LoadPlan;
import tandem.engine.runtime.LoadProgress;
import tandem.engine.runtime.LoadedModel;
import tandem.engine.runtime.ModelInfo;

/**
 * The app's only door to the engine. View models take it as a constructor argument, so their
 * unit tests can pass a fake; the running app and the UI tests use {@link LocalEngineService}.
 * Every method blocks: callers run them off the JavaFX thread.
 */
public interface EngineService {
    List<DeviceInfo> devices();

    /** Everything a load checks that does not need devices; throws saying what is wrong with the file. */
    ModelInfo check(Path model);

    LoadPlan plan(Path model, EngineOptions options);

    LoadedModel load(Path model, EngineOptions options, LoadProgress progress, BooleanSupplier cancelled);
}
