package tandem.app.ui;

import java.nio.file.Path;
import java.util.concurrent.TimeoutException;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;
import tandem.app.AppContext;
import tandem.app.AppPaths;
import tandem.app.TandemApp;
import tandem.app.concurrent.AppExecutors;
import tandem.app.engine.LocalEngineService;
import tandem.engine.Engine;

/**
 * Base of the UI tests: the real app (real engine, bundled demo model) on a test stage, with its
 * history and settings in a temporary folder.
 */
@ExtendWith(ApplicationExtension.class)
abstract class RealAppTest {
    @TempDir static Path data;
    protected AppContext app;

    // TestFX's @Start/@Stop are only found on the test class itself, so the base sets the stage up
    // in ordinary callbacks (the extension has registered the primary stage before they run).
    /** As the Launcher does, before the toolkit starts (the extension starts it in its before-each). */
    @BeforeAll
    static void loadNativeLibrariesFirst() {
        Engine.loadNativeLibraries();
    }

    @BeforeEach
    void startApp() throws TimeoutException {
        AppPaths real = AppPaths.fromEnvironment();
        app = new AppContext(new AppPaths(real.home(), data), new LocalEngineService(), AppExecutors.forApplication());
        FxToolkit.setupStage(stage -> {
            TandemApp.show(stage, app);
            app.startUp();
        });
    }

    @AfterEach
    void stopApp() throws TimeoutException {
        FxToolkit.setupFixture(app::shutdown);
    }

    /** Presses Ctrl and the key, as a user does for shortcuts (Ctrl+1..5, Ctrl+Enter). */
    protected static void shortcut(FxRobot robot, KeyCode key) {
        robot.press(KeyCode.CONTROL, key).release(key, KeyCode.CONTROL);
    }

    /**
     * On the Devices screen, uses the first device (lavapipe in CI) as two logical devices, then
     * opens the Split screen in tensor mode.
     */
    protected void twoLogicalDevicesInTensorMode(FxRobot robot) {
        shortcut(robot, KeyCode.DIGIT3);
        // On a machine with a real GPU, device 0 may already be in use (the best device is by default).
        if (!robot.lookup("#use-device-0").queryAs(javafx.scene.control.CheckBox.class).isSelected()) robot.clickOn("#use-device-0");
        robot.clickOn("#instances-device-0 .increment-arrow-button");
        UiWaits.until("two logical devices", 10, () -> app.devices().logicalDevices().size() == 2);
        shortcut(robot, KeyCode.DIGIT4);
        robot.clickOn("#mode-tensor");
    }
}
