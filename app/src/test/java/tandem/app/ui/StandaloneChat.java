package tandem.app.ui;

import java.nio.file.Path;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.stage.Stage;
import tandem.app.chat.ChatHistory;
import tandem.app.chat.ChatView;
import tandem.app.chat.ChatViewModel;
import tandem.app.concurrent.AppExecutors;
import tandem.app.settings.SettingsService;
import tandem.engine.api.LoadedModel;

/** The Chat screen's view model without a model, its history and settings in a test's folder: for tests of the chat's own views. */
final class StandaloneChat {
    private StandaloneChat() {}

    /** Shows a Chat screen on the test's stage, at a size where nothing folds away; returns its root. */
    static Parent show(Stage stage, ChatView view) {
        Parent root = (Parent) view.node();
        stage.setScene(new Scene(root, 1000, 750));
        stage.show();
        return root;
    }

    static ChatViewModel in(Path dir) {
        return new ChatViewModel(AppExecutors.direct(), new ReadOnlyObjectWrapper<LoadedModel>().getReadOnlyProperty(),
                ChatHistory.store(dir.resolve("history.json")), new SettingsService(dir.resolve("settings.json"), Runnable::run));
    }
}
