package tandem.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/** Issue 16, defect 5: the real app opening a history with one damaged conversation. */
class HistoryUiTest extends RealAppTest {
    @BeforeAll
    static void damagedHistory() throws IOException {
        Files.writeString(data.resolve("history.json"), """
                {"conversations": [
                  {"id": "a", "title": "The dragon story", "systemPrompt": "", "messages": [{"role": "user", "content": "A dragon"}]},
                  {"id": "b", "title": "broken", "messages": {"role": 3}},
                  {"id": "c", "title": "The cat story", "systemPrompt": "", "messages": [{"role": "user", "content": "A cat"}]}
                ]}
                """);
    }

    @Test
    void everyIntactConversationIsKeptAndANoticeNamesTheSetAsideFileUntilClosed(FxRobot robot) {
        UiWaits.until("the demo model is loaded", 60, () -> app.model().loadedProperty().get() != null);
        ListView<?> conversations = robot.lookup("#conversations").queryListView();
        assertEquals(2, conversations.getItems().size());
        Label notice = robot.lookup("#notice").queryAs(Label.class);
        assertTrue(notice.isVisible() && notice.getText().contains("history.json.corrupt-") && notice.getText().contains("2 conversations"),
                notice.getText());
        robot.clickOn("#notice-close");
        UiWaits.until("the notice is closed", 5, () -> !notice.isVisible());
    }
}
