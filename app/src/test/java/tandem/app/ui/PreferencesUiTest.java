package tandem.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import tandem.app.settings.SettingsService;
import tandem.app.settings.Theme;

/** The Preferences screen of the real app: changes are checked, applied at once and kept in settings.json. */
class PreferencesUiTest extends RealAppTest {
    @Test
    void preferencesAreCheckedAppliedAndPersisted(FxRobot robot) {
        shortcut(robot, KeyCode.DIGIT7);
        ChoiceBox<?> theme = robot.lookup("#preferences-theme").queryAs(ChoiceBox.class);
        robot.clickOn(theme).clickOn("Dark");
        assertEquals(Theme.DARK, app.shell().themeProperty().get());
        assertTrue(theme.getScene().getStylesheets().getLast().endsWith("dark.css"), "the theme applies at once");

        TextField context = robot.lookup("#preferences-context").queryAs(TextField.class);
        robot.interact(context::clear);
        robot.clickOn(context).write("-5").push(KeyCode.ENTER);
        assertEquals("context length must be >= 0, got -5", robot.lookup("#preferences-context-problem").queryAs(Label.class).getText());
        robot.interact(context::clear);
        robot.clickOn(context).write("2048").push(KeyCode.ENTER);

        robot.clickOn("#preferences-cache-type").clickOn("q8_0");
        robot.clickOn("#preferences-context-policy").clickOn("When full: stop");

        TextField temperature = robot.lookup("#sampling-temperature").queryAs(TextField.class);
        robot.interact(temperature::clear);
        robot.clickOn(temperature).write("0.2").push(KeyCode.ENTER);

        UiWaits.onFx(() -> {
            app.settings().flush();
            return null;
        });
        var saved = new SettingsService(data.resolve("settings.json"), Runnable::run).current();
        assertEquals(Theme.DARK, saved.theme());
        assertEquals(2048, saved.preferences().contextLength());
        assertEquals("q8_0", saved.preferences().cacheType());
        assertEquals(tandem.app.settings.ContextPolicy.STOP, saved.contextPolicy());
        assertEquals(0.2f, saved.sampling().temperature());

        shortcut(robot, KeyCode.DIGIT1);
        assertEquals("0.2", robot.lookup("#sampling-temperature").queryAs(TextField.class).getText(), "the Chat screen shows the same value");
        assertTrue(Files.isRegularFile(data.resolve("settings.json")));
    }
}
