package tandem.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javafx.scene.Node;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;
import tandem.app.settings.Theme;
import tandem.app.shell.Screen;

class NavigationUiTest extends RealAppTest {
    private static boolean showing(FxRobot robot, String id) {
        Node node = robot.lookup(id).tryQuery().orElse(null);
        return node != null && node.getScene() != null && node.isVisible();
    }

    @Test
    void everyScreenIsReachableByShortcutAndByItsButton(FxRobot robot) {
        Node input = robot.lookup("#chat-input").query();
        UiWaits.until("the chat opens ready to type into", 5, () -> input.getScene().getFocusOwner() == input);
        String[] marker = {"#chat-input", "#open-model", "#refresh-devices", "#split-bar", "#monitor-summary", "#server-switch", "#data-folder"};
        for (Screen screen : Screen.values()) {
            shortcut(robot, screen.key());
            WaitForAsyncUtils.waitForFxEvents();
            assertEquals(screen, app.shell().screenProperty().get());
            assertTrue(showing(robot, marker[screen.ordinal()]), screen + " shows " + marker[screen.ordinal()]);
        }
        robot.clickOn("#nav-devices");
        assertTrue(showing(robot, "#refresh-devices"));
        robot.clickOn("#nav-chat");
        assertTrue(showing(robot, "#chat-input"));

        robot.clickOn("#theme-toggle");
        assertEquals(Theme.DARK, app.shell().themeProperty().get());
        assertTrue(robot.lookup("#theme-toggle").queryButton().getScene().getStylesheets().getLast().endsWith("dark.css"));
    }
}
