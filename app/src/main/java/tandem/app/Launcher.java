package tandem.app;

import javafx.application.Application;

/**
 * Plain main class: JavaFX refuses to start an {@link Application} subclass as the main class
 * from the class path, so the launcher delegates.
 */
public final class Launcher {
    private Launcher() {}

    public static void main(String[] args) {
        Application.launch(TandemApp.class, args);
    }
}
