package tandem.app;

import javafx.application.Application;

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
        Application.launch(TandemApp.class, args);
    }
}
