package tandem.app.ui;

import java.nio.file.Path;
import javafx.stage.Stage;
import tandem.app.AppContext;
import tandem.app.AppPaths;
import tandem.app.TandemApp;
import tandem.app.concurrent.AppExecutors;
import tandem.app.engine.LocalEngineService;

/** Starts the real app (real engine, bundled demo model) on a test stage, with its data in a temporary folder. */
final class AppWindow {
    private AppWindow() {}

    static AppContext start(Stage stage, Path dataDir) {
        AppPaths real = AppPaths.fromEnvironment();
        AppContext app = new AppContext(new AppPaths(real.home(), dataDir), new LocalEngineService(), AppExecutors.forApplication());
        TandemApp.show(stage, app);
        app.startUp();
        return app;
    }
}
