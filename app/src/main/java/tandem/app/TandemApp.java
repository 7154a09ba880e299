package tandem.app;

import javafx.application.Application;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.stage.Stage;

/** The desktop application's window. */
public final class TandemApp extends Application {
    @Override
    public void start(Stage stage) {
        stage.setTitle("Tandem");
        stage.setScene(new Scene(new Label("Tandem"), 960, 640));
        stage.show();
    }
}
