package tandem.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javafx.scene.Node;
import javafx.scene.control.Labeled;
import javafx.scene.control.ListView;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;
import tandem.engine.api.LoadedModel;

/** Issue 16, defect 2: a bad file never costs the user the working model. */
class ModelUiTest extends RealAppTest {
    @Test
    void aBadFileIsRefusedWithOneReadableMessageAndTheWorkingModelStays(FxRobot robot) throws IOException {
        UiWaits.until("the demo model is loaded", 60, () -> app.model().loadedProperty().get() != null);
        LoadedModel working = UiWaits.onFx(() -> app.model().loadedProperty().get());
        // A GGUF magic followed by a header cut short: what an interrupted download looks like.
        Path bad = Files.write(data.resolve("interrupted-download.gguf"), new byte[] {'G', 'G', 'U', 'F', 3, 0, 0, 0, 7});
        robot.clickOn("#nav-model");

        robot.interact(() -> app.model().open(bad));
        UiWaits.until("the file is checked", 30, () -> !app.model().checkingProperty().get());
        WaitForAsyncUtils.waitForFxEvents();

        String problem = UiWaits.onFx(() -> app.model().loadProblemProperty().get());
        assertFalse(problem.isEmpty(), "the bad file is reported");
        assertEquals(1, robot.lookup((Node n) -> n instanceof Labeled l && problem.equals(l.getText()) && shown(n)).queryAll().size(),
                "the message shows once");
        Labeled banner = robot.lookup("#load-problem").queryLabeled();
        assertTrue(banner.isWrapText() && shown(banner), "in a banner that wraps, not a cut-off line");
        assertTrue(robot.lookup("#load-model").queryButton().isDisabled(), "Load is disabled for a file that failed its check");
        assertSame(working, UiWaits.onFx(() -> app.model().loadedProperty().get()), "the working model stays loaded");
        assertTrue(robot.lookup("#model-status").queryLabeled().getText().startsWith("stories260K.gguf"),
                "the header names the loaded model, not the bad file");
        ListView<?> recent = robot.lookup("#recent-models").queryListView();
        assertFalse(UiWaits.onFx(() -> recent.getItems().contains(bad.toAbsolutePath())), "Recent holds only files that loaded");

        robot.clickOn("#unload-model");
        UiWaits.until("the model is unloaded", 10, () -> app.model().loadedProperty().get() == null);
        assertEquals("No model loaded", robot.lookup("#model-status").queryLabeled().getText());

        robot.interact(() -> recent.getSelectionModel().select(0));
        robot.doubleClickOn(robot.lookup("#recent-models .list-cell").nth(0).queryAs(Node.class));
        UiWaits.until("a double-click in Recent loads the model", 60, () -> app.model().loadedProperty().get() != null);
        assertTrue(robot.lookup("#model-status").queryLabeled().getText().startsWith("stories260K.gguf"));
        assertNull(UiWaits.onFx(() -> app.model().loadProblemProperty().get().isEmpty() ? null : "problem"));
    }

    /** Visible with every ancestor: a label on a hidden screen does not count. */
    private static boolean shown(Node node) {
        for (Node n = node; n != null; n = n.getParent()) if (!n.isVisible()) return false;
        return node.getScene() != null;
    }
}
