package tandem.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import tandem.app.chat.MessageViewModel;

/** The real app and demo model: Regenerate keeps the first answer, ‹ and › flip between the two, and both are saved. */
class RegenerateUiTest extends RealAppTest {
    private MessageViewModel lastMessage() {
        return UiWaits.onFx(() -> app.chat().selectedProperty().get().messages().getLast());
    }

    private static String words(String text) { return text.replaceAll("\\s+", " ").strip(); }

    @Test
    void regenerateKeepsTheFirstAnswerToFlipBackTo(FxRobot robot) throws IOException {
        UiWaits.until("the demo model is loaded", 60, () -> app.model().loadedProperty().get() != null);
        UiWaits.onFx(() -> {
            app.chat().sampling().maxTokensProperty().set(48); // two short stories are enough to flip between
            app.chat().newConversation();
            app.chat().inputProperty().set("Once upon a time");
            app.chat().send();
            return null;
        });
        UiWaits.until("the first answer is complete", 60, () -> !app.chat().generatingProperty().get());
        String first = lastMessage().text();
        Node versions = robot.lookup(".versions").query();
        assertFalse(versions.isVisible(), "no ‹ › while there is one answer");

        robot.clickOn(robot.lookup(".message-action").match((Button b) -> "Regenerate".equals(b.getText())).queryButton());
        UiWaits.until("the second answer is complete", 60, () -> !app.chat().generatingProperty().get() && lastMessage().statsProperty().get() != null);
        String second = lastMessage().text();
        Label position = robot.lookup(".version-label").queryAs(Label.class);
        assertTrue(versions.isVisible());
        assertEquals("2/2", position.getText());
        assertEquals(words(second), words(ChatUiTest.shownText(robot)));

        robot.clickOn(".version-previous");
        assertEquals("1/2", position.getText());
        assertEquals(words(first), words(ChatUiTest.shownText(robot)), "the first answer is back");
        assertTrue(robot.lookup(".version-previous").queryButton().isDisabled());

        robot.clickOn(".version-next");
        assertEquals("2/2", position.getText());
        assertEquals(words(second), words(ChatUiTest.shownText(robot)));

        UiWaits.onFx(() -> {
            app.chat().saveNow();
            return null;
        });
        JsonNode answer = new ObjectMapper().readTree(data.resolve("history.json").toFile())
                .get("conversations").get(0).get("messages").get(1);
        assertEquals(first, answer.get("versions").get(0).get("content").asText());
        assertEquals(second, answer.get("versions").get(1).get("content").asText());
        assertEquals(1, answer.get("shown").asInt());
    }
}
