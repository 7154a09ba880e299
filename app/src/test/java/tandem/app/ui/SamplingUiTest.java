package tandem.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import javafx.css.PseudoClass;
import javafx.scene.Parent;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import tandem.app.chat.ChatView;
import tandem.app.chat.ChatViewModel;

/** The sampling panel: a value the engine refuses stays out, with the reason under the field; stop strings and seed. */
@ExtendWith(ApplicationExtension.class)
class SamplingUiTest {
    @TempDir static Path dir;
    private ChatViewModel chat;

    @Start
    void start(Stage stage) {
        chat = StandaloneChat.in(dir);
        StandaloneChat.show(stage, new ChatView(chat));
    }

    private void type(FxRobot robot, String field, String text) {
        TextField f = robot.lookup("#sampling-" + field).queryAs(TextField.class);
        robot.interact(f::clear);
        robot.clickOn(f).write(text).push(KeyCode.ENTER);
    }

    private static boolean marked(TextField f) { return f.getPseudoClassStates().contains(PseudoClass.getPseudoClass("error")); }

    @Test
    void outOfRangeValuesAreRefusedInTheFieldWithTheReason(FxRobot robot) {
        TextField topP = robot.lookup("#sampling-top-p").queryAs(TextField.class);
        Label problem = robot.lookup("#sampling-top-p-problem").queryAs(Label.class);
        assertEquals("0.95", topP.getText());

        type(robot, "top-p", "1.5");
        assertEquals("top-p must be in (0, 1], got 1.5", problem.getText());
        assertTrue(problem.isVisible() && marked(topP));
        assertEquals("1.5", topP.getText(), "the refused text stays to be corrected");
        assertEquals(0.95f, chat.sampling().toParams().topP(), "the setting keeps its last good value");

        type(robot, "top-p", "0.5");
        assertFalse(problem.isVisible() || marked(topP));
        assertEquals(0.5f, chat.sampling().toParams().topP());

        type(robot, "top-k", "many");
        assertEquals("'many' is not a whole number", robot.lookup("#sampling-top-k-problem").queryAs(Label.class).getText());
        robot.push(KeyCode.ESCAPE);
        assertEquals("40", robot.lookup("#sampling-top-k").queryAs(TextField.class).getText(), "Esc puts the value back");

        type(robot, "temperature", "-0.1");
        assertEquals("temperature must be >= 0, got -0.1", robot.lookup("#sampling-temperature-problem").queryAs(Label.class).getText());
        // Leaving the field also takes (or refuses) what is in it.
        robot.clickOn("#sampling-stop").write("User:, \\n\\n");
        robot.clickOn("#sampling-max-tokens");
        assertEquals(List.of("User:", "\n\n"), chat.sampling().toParams().stopStrings());
        assertEquals(0.8f, chat.sampling().toParams().temperature());
    }

    @Test
    void theSeedSaysZeroIsRandom(FxRobot robot) {
        assertTrue(robot.lookup(".sampling-form .label").queryAllAs(Label.class).stream().anyMatch(l -> l.getText().equals("Seed (0 = random)")));
        type(robot, "seed", "42");
        assertEquals(42, chat.sampling().toParams().seed());
    }
}
