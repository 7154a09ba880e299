package tandem.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.TitledPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import tandem.app.chat.ChatHistory;
import tandem.app.chat.ChatView;
import tandem.app.chat.ChatViewModel;
import tandem.app.chat.MessageViewModel;
import tandem.app.concurrent.AppExecutors;
import tandem.app.settings.SettingsService;
import tandem.engine.api.LoadedModel;

/** A reasoning model's answer: the thoughts in a "Thinking" section that folds once the answer starts. */
@ExtendWith(ApplicationExtension.class)
class ThinkingUiTest {
    @TempDir static Path dir;
    private ChatViewModel chat;
    private Parent root;

    @Start
    void start(Stage stage) {
        chat = new ChatViewModel(AppExecutors.direct(), new ReadOnlyObjectWrapper<LoadedModel>().getReadOnlyProperty(),
                ChatHistory.store(dir.resolve("history.json")), new SettingsService(dir.resolve("settings.json"), Runnable::run));
        root = (Parent) new ChatView(chat).node();
        stage.setScene(new Scene(root, 1000, 700));
        stage.show();
    }

    @Test
    void theThinkingShowsWhileTheModelThinksAndFoldsWhenTheAnswerStarts(FxRobot robot) {
        MessageViewModel answer = new MessageViewModel(MessageViewModel.ASSISTANT, "");
        robot.interact(() -> {
            var c = chat.newConversation();
            c.messages().add(new MessageViewModel(MessageViewModel.USER, "How many r in strawberry?"));
            c.messages().add(answer);
            answer.textProperty().set("<think>\nLet me count: s-t-r-a-w-b-e-r-r-y");
        });
        TitledPane thinking = robot.from(root).lookup(".thinking").queryAs(TitledPane.class);
        assertTrue(thinking.isVisible() && thinking.isExpanded(), "open while the model thinks");
        assertEquals("Thinking…", thinking.getText());

        robot.interact(() -> answer.textProperty().set(answer.text() + ": three.\n</think>\n\nThere are three r's."));

        assertFalse(thinking.isExpanded(), "folded once the answer begins");
        assertEquals("Thinking", thinking.getText());
        assertEquals("Let me count: s-t-r-a-w-b-e-r-r-y: three.", robot.from(root).lookup(".thinking-text").queryAs(Label.class).getText());
        assertEquals("There are three r's.", robot.from(root).lookup(".message-text").queryAllAs(Label.class).stream()
                .reduce((a, b) -> b).orElseThrow().getText(), "the answer shows without the reasoning");
        robot.clickOn(thinking.lookup(".title"));
        assertTrue(thinking.isExpanded(), "a click opens it again");
    }
}
