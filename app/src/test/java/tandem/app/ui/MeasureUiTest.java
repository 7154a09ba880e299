package tandem.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javafx.scene.control.Label;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import tandem.app.split.TrialResult;

/**
 * Measure on the Split screen of the real app: the demo model on the first Vulkan device used as
 * two logical devices; cancel one run, measure again, and apply the winner with its button.
 */
class MeasureUiTest extends RealAppTest {
    @Test
    void measuresTheThreeModesShowsThemSideBySideAndAppliesTheWinner(FxRobot robot) {
        UiWaits.until("the demo model is loaded", 60, () -> app.model().loadedProperty().get() != null);
        twoLogicalDevicesInTensorMode(robot);
        robot.doubleClickOn("#ratio-0").write("60").type(KeyCode.ENTER); // 60:50, which 8 attention heads cannot follow
        UiWaits.until("the ratio is taken", 10, () -> app.split().slots().getFirst().weight() == 60);

        robot.clickOn("#measure-start");
        UiWaits.until("Cancel shows while measuring", 10, () -> robot.lookup("#measure-cancel").queryButton().isVisible());
        robot.clickOn("#measure-cancel");
        UiWaits.until("the measurement stops", 60, () -> !app.measure().runningProperty().get());
        assertEquals("Measuring was cancelled.", robot.lookup("#measure-problem").queryLabeled().getText());
        assertFalse(robot.lookup("#measure-apply").queryButton().isVisible(), "no winner after a cancel");

        robot.clickOn("#measure-start");
        UiWaits.until("all three modes are measured", 180, () -> app.measure().winnerProperty().get() != null);

        for (TrialResult r : UiWaits.onFx(() -> java.util.List.copyOf(app.measure().results()))) {
            String shown = robot.lookup("#measure-tps-" + r.mode().name().toLowerCase(java.util.Locale.ROOT)).queryAs(Label.class).getText();
            assertEquals(String.format(java.util.Locale.ROOT, "%.1f", r.tokensPerSecond()), shown);
        }
        String notes = robot.lookup("#measure-notes-tensor").queryAs(Label.class).getText();
        assertTrue(notes.contains("attention heads") && notes.contains("twice per layer"), notes);
        assertTrue(robot.lookup("#measure-verdict").queryLabeled().getText().contains("is fastest"));
        TrialResult winner = UiWaits.onFx(() -> app.measure().winnerProperty().get());

        UiWaits.until("the results and the winner scroll into view", 10, () -> {
            javafx.scene.Node apply = robot.lookup("#measure-apply").query();
            return apply.localToScene(apply.getBoundsInLocal()).getMaxY() <= apply.getScene().getHeight();
        });
        robot.clickOn("#measure-apply");
        UiWaits.until("the model is loaded with the winner's mode", 60, () -> !app.model().loadingProperty().get()
                && app.model().loadedProperty().get() != null && app.model().loadedProperty().get().plan().mode() == winner.mode());
        assertEquals(winner.mode(), UiWaits.onFx(() -> app.split().modeProperty().get()));
    }
}
