package tandem.app.engine;

import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import tandem.engine.api.DeviceInfo;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadPlan;
import tandem.engine.api.LoadProgress;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.ModelInfo;

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
