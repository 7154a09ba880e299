package tandem.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javafx.application.Application;
import javafx.scene.Scene;
import javafx.scene.image.Image;
import javafx.stage.Stage;
import tandem.app.concurrent.AppExecutors;
import tandem.app.engine.LocalEngineService;
import tandem.app.settings.AppSettings;
import tandem.app.shell.MainView;

/**
 * The desktop application. Arguments: {@code --screenshot DIR} captures every screen of the
 * running app into DIR as PNG files and exits (used for the README's pictures).
 */
public final class TandemApp extends Application {
    private AppContext context;

    @Override
    public void start(Stage stage) {
        context = new AppContext(AppPaths.fromEnvironment(), new LocalEngineService(), AppExecutors.forApplication());
        long jvmStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
        context.model().loadedProperty().addListener((obs, old, now) -> {
            if (now != null) {
                System.err.println("tandem: " + now.info().path().getFileName() + " loaded on " + now.backend()
                        + ", ready " + (System.currentTimeMillis() - jvmStart) + " ms after start");
            }
        });
        // SIGTERM (logout, kill) skips stop(): finish the saves in flight so no half-written file stays behind.
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("tandem-exit").unstarted(context::finishSaves));
        // Device discovery and reading the model's facts run in the background while the window is built.
        context.startUp();
        show(stage, context);
        System.err.println("tandem: window open " + (System.currentTimeMillis() - jvmStart) + " ms after start");
        List<String> args = getParameters().getRaw();
        int at = args.indexOf("--screenshot");
        if (at >= 0 && at + 1 < args.size()) new ScreenshotTour(context, stage, Path.of(args.get(at + 1))).start();
    }

    /** Puts the app's window on a stage: used by {@link #start} and by the UI tests. */
    public static void show(Stage stage, AppContext context) {
        AppSettings saved = context.settings().current();
        Scene scene = new MainView(context).createScene(
                Math.max(900, saved.windowWidth()), Math.max(600, saved.windowHeight()));
        stage.setTitle("Tandem");
        stage.getIcons().setAll(icons(context.paths()));
        stage.setMinWidth(800);
        stage.setMinHeight(560);
        stage.setScene(scene);
        stage.setOnHidden(e -> context.settings().update(s -> s.withWindowSize(scene.getWidth(), scene.getHeight())));
        stage.show();
    }

    /** The window icons in assets/icons (none when the folder is missing: the platform's default icon shows). */
    static List<Image> icons(AppPaths paths) {
        return Stream.of(16, 32, 48, 64, 128, 256)
                .map(size -> paths.home().resolve("assets/icons/tandem-" + size + ".png"))
                .filter(Files::isRegularFile)
                .map(file -> new Image(file.toUri().toString()))
                .toList();
    }

    @Override
    public void stop() {
        if (context != null) context.shutdown();
    }
}
