package tandem.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/**
 * The real app and engine planner: use the first Vulkan device (lavapipe in CI) as two logical
 * devices, drag the divider, and see the ratios and each device's planned memory change.
 */
class SplitUiTest extends RealAppTest {
    private static String text(FxRobot robot, String id) {
        return UiWaits.onFx(() -> robot.lookup(id).queryAs(Label.class).getText());
    }

    @Test
    void draggingTheDividerChangesRatiosAndPlannedMemory(FxRobot robot) {
        UiWaits.until("devices are listed", 30, () -> app.devices().discoveredProperty().get());
        twoLogicalDevicesInTensorMode(robot);
        UiWaits.until("the plan for two devices", 30, () -> app.split().planProperty().get() != null
                && app.split().planProperty().get().devices().size() == 2);
        String ratioBefore = robot.lookup("#ratio-0").queryAs(TextField.class).getText();
        String needsBefore = text(robot, "#needs-0");
        assertEquals("50", ratioBefore);
        assertEquals("fits", text(robot, "#fit-0"));
        assertEquals("Needs (weights + KV f16 + scratch)", text(robot, "#needs-header"));

        robot.drag("#divider-0").moveBy(200, 0).drop();

        UiWaits.until("ratios follow the drag", 10, () -> !robot.lookup("#ratio-0").queryAs(TextField.class).getText().equals(ratioBefore));
        double left = Double.parseDouble(robot.lookup("#ratio-0").queryAs(TextField.class).getText());
        double right = Double.parseDouble(robot.lookup("#ratio-1").queryAs(TextField.class).getText());
        assertTrue(left > 50 && Math.abs(left + right - 100) < 0.11, left + " : " + right);
        UiWaits.until("the plan follows the drag", 30, () -> !text(robot, "#needs-0").equals(needsBefore));
        assertNotEquals(text(robot, "#needs-0"), text(robot, "#needs-1"));
        assertTrue(text(robot, "#share-0").startsWith(String.format(java.util.Locale.ROOT, "%.1f", left)), text(robot, "#share-0"));
    }
}
