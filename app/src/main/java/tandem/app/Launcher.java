package tandem.app;

import javafx.application.Application;
import tandem.engine.Engine;

/**
 * Plain main class: JavaFX refuses to start an {@link Application} subclass as the main class
 * from the class path, so the launcher delegates.
 */
public final class Launcher {
    private Launcher() {}

    public static void main(String[] args) {
        // Before any JavaFX class loads: the self-check must run where no display exists.
        if (args.length == 1 && args[0].equals(SelfCheck.FLAG)) {
            System.exit(SelfCheck.run(AppPaths.fromEnvironment().demoModel(), System.out, System.err));
        }
        String problem = displayProblem();
        if (problem != null) {
            System.err.println("tandem: " + problem);
            System.exit(1);
        }
        // Before the toolkit's threads exist: loading LWJGL's libraries while JavaFX loads its own
        // deadlocks glibc's loader about one start in ten (see Engine.loadNativeLibraries).
        try {
            Engine.loadNativeLibraries();
        } catch (RuntimeException | LinkageError e) {
            System.err.println("tandem: cannot load the engine's native libraries (" + e.getMessage()
                    + "); reinstall Tandem, or report the platform you run it on");
            System.exit(1);
        }
        try {
            Application.launch(TandemApp.class, args);
        } catch (RuntimeException e) {
            // e.g. "Unable to load glass GTK library": one line that says what to do, not a stack trace.
            System.err.println("tandem: cannot open a window (" + e.getMessage()
                    + "); on Linux install GTK 3 (sudo apt-get install -y libgtk-3-0) or use the command line (./tandem help)");
            System.exit(1);
        }
    }

    /** Null when a window can be opened; otherwise why not. Linux only: elsewhere a desktop is assumed. */
    private static String displayProblem() {
        boolean linux = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux");
        boolean headless = "Headless".equalsIgnoreCase(System.getProperty("glass.platform", ""));
        if (!linux || headless) return null;
        if (present("DISPLAY") || present("WAYLAND_DISPLAY")) return null;
        return "no display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set): run it in a desktop "
                + "session, under xvfb-run, or use the command line (./tandem help)";
    }

    private static boolean present(String variable) {
        String value = System.getenv(variable);
        return value != null && !value.isBlank();
    }
}
