package tandem.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javafx.scene.Parent;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import tandem.app.chat.ChatView;
import tandem.app.chat.ChatViewModel;
import tandem.app.chat.ConversationViewModel;
import tandem.app.chat.MessageViewModel;

/** The conversation list's own controls: search, Rename and Delete buttons, Export and Import through the chosen file. */
@ExtendWith(ApplicationExtension.class)
class ConversationsUiTest {
    @TempDir static Path dir;
    private ChatViewModel chat;
    /** The file the "dialog" answers with. */
    private final AtomicReference<Path> chosen = new AtomicReference<>();

    @Start
    void start(Stage stage) {
        chat = StandaloneChat.in(dir);
        FilePicker picker = new FilePicker() {
            @Override public Path open(Window owner, String title, String kind, String pattern) { return chosen.get(); }
            @Override public Path save(Window owner, String title, String name, String kind, String pattern) { return chosen.get(); }
            @Override public Path folder(Window owner, String title, Path initial) { return chosen.get(); }
        };
        StandaloneChat.show(stage, new ChatView(chat, picker));
    }

    private void conversation(String title, String question) {
        ConversationViewModel c = chat.newConversation();
        c.titleProperty().set(title);
        c.messages().add(new MessageViewModel(MessageViewModel.USER, question));
    }

    private List<String> listed(FxRobot robot) {
        return robot.lookup("#conversations").queryListView().getItems().stream()
                .map(c -> ((ConversationViewModel) c).titleProperty().get()).toList();
    }

    /** A button of the open dialog (the list has a Delete button of its own). */
    private static javafx.scene.control.Button dialogButton(FxRobot robot, String text) {
        UiWaits.until("the dialog is open", 10, () -> robot.lookup(".dialog-pane").tryQuery().isPresent());
        return robot.lookup(".dialog-pane .button").match((javafx.scene.control.Button b) -> text.equals(b.getText())).queryButton();
    }

    @Test
    void searchRenameDeleteExportAndImport(FxRobot robot) throws Exception {
        robot.interact(() -> {
            conversation("Dragons", "Where do dragons live?");
            conversation("Soup", "A recipe for tomato soup");
            conversation("Robots", "A story about a robot and a dragon");
        });

        robot.clickOn("#chat-search").write("dragon");
        assertEquals(List.of("Robots", "Dragons"), listed(robot), "found in titles and text");
        robot.clickOn("#chat-search").push(KeyCode.CONTROL, KeyCode.A).push(KeyCode.BACK_SPACE);
        assertEquals(3, listed(robot).size());

        robot.clickOn("Soup");
        robot.clickOn("#rename-chat");
        UiWaits.until("the rename dialog is open", 10, () -> robot.lookup(".dialog-pane .text-field").tryQuery().isPresent());
        javafx.scene.control.TextField name = robot.lookup(".dialog-pane .text-field").queryAs(javafx.scene.control.TextField.class);
        assertEquals("Soup", name.getText());
        robot.interact(name::clear);
        robot.clickOn(name).write("Tomato soup").push(KeyCode.ENTER);
        assertEquals(List.of("Robots", "Tomato soup", "Dragons"), listed(robot));

        chosen.set(dir.resolve("export.json"));
        robot.clickOn("#export-chats").clickOn("All chats as JSON…");
        Label status = robot.lookup("#transfer-status").queryAs(Label.class);
        assertEquals("Saved 3 conversations to export.json", status.getText());
        assertTrue(Files.readString(dir.resolve("export.json")).contains("Tomato soup"));

        robot.clickOn("Robots");
        robot.clickOn("#delete-chat");
        robot.clickOn(dialogButton(robot, "Cancel"));
        assertEquals(3, listed(robot).size(), "Cancel keeps the chat");
        robot.clickOn("#delete-chat");
        robot.clickOn(dialogButton(robot, "Delete"));
        assertEquals(List.of("Tomato soup", "Dragons"), listed(robot));

        chosen.set(Files.writeString(dir.resolve("broken.json"), "not json at all"));
        robot.clickOn("#import-chats");
        assertTrue(status.getText().startsWith("Not imported: broken.json is not valid JSON"), status.getText());
        assertTrue(status.getPseudoClassStates().contains(javafx.css.PseudoClass.getPseudoClass("error")));
        assertEquals(2, listed(robot).size(), "a bad file changes nothing");

        chosen.set(dir.resolve("export.json"));
        robot.clickOn("#import-chats");
        assertEquals("Imported 3 conversations from export.json", status.getText());
        assertEquals(List.of("Robots", "Tomato soup", "Dragons", "Tomato soup", "Dragons"), listed(robot));
        ListView<?> list = robot.lookup("#conversations").queryListView();
        assertEquals("Robots", ((ConversationViewModel) list.getSelectionModel().getSelectedItem()).titleProperty().get());
    }
}
