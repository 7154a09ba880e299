package tandem.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicBoolean;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.stage.Window;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import tandem.app.chat.MessageViewModel;
import tandem.engine.runtime.StopReason;

/** The real app with the bundled demo model: type, send, watch the answer stream in, stop with Esc. */
class ChatUiTest extends RealAppTest {
    /** The newest message's label of a kind (they are laid out oldest first). */
    private static Label last(FxRobot robot, String selector) {
        return robot.lookup(selector).queryAllAs(Label.class).stream().reduce((first, second) -> second).orElseThrow();
    }

    private MessageViewModel lastMessage() {
        return UiWaits.onFx(() -> app.chat().selectedProperty().get().messages().getLast());
    }

    private void send(FxRobot robot, String text) {
        robot.clickOn("#chat-input").write(text);
        shortcut(robot, KeyCode.ENTER);
    }

    @Test
    void anAnswerStreamsInAndEscStopsTheNextOne(FxRobot robot) {
        UiWaits.until("the demo model is loaded", 60, () -> app.model().loadedProperty().get() != null);

        // Watch the answer's text while it streams: it must grow before the generation ends.
        AtomicBoolean textWhileStreaming = new AtomicBoolean();
        UiWaits.onFx(() -> {
            app.chat().generatingProperty().addListener((obs, was, now) -> {
                if (!now) return;
                MessageViewModel answer = app.chat().selectedProperty().get().messages().getLast();
                answer.textProperty().addListener((o, old, text) -> {
                    if (!text.isEmpty() && answer.streamingProperty().get()) textWhileStreaming.set(true);
                });
            });
            return null;
        });
        send(robot, "Once upon a time");
        UiWaits.until("the answer is complete", 60, () -> !app.chat().generatingProperty().get() && lastMessage().statsProperty().get() != null);

        MessageViewModel answer = lastMessage();
        assertTrue(textWhileStreaming.get(), "text appeared while the answer was still streaming");
        assertFalse(answer.text().isBlank());
        Label shown = last(robot, ".message-text");
        assertEquals(answer.text(), shown.getText(), "the window shows the answer");
        String footer = last(robot, ".message-stats").getText();
        assertTrue(footer.contains("tokens/s") && footer.contains("first token"), footer);

        // The monitor charted that answer; hovering a chart shows the values under the pointer.
        shortcut(robot, KeyCode.DIGIT5);
        robot.moveTo(".utilisation .chart-plot-background");
        UiWaits.until("a tooltip with the utilisation under the mouse", 10, () -> Window.getWindows().stream()
                .anyMatch(w -> w instanceof Tooltip tip && w.isShowing() && tip.getText().startsWith("t = ") && tip.getText().contains("%")));
        shortcut(robot, KeyCode.DIGIT1);

        send(robot, "The little dog");
        robot.push(KeyCode.ESCAPE);
        UiWaits.until("the stopped answer is complete", 60, () -> !app.chat().generatingProperty().get() && lastMessage().statsProperty().get() != null);
        assertEquals(StopReason.CANCELLED, lastMessage().statsProperty().get().stopReason());
        String stopped = last(robot, ".message-stats").getText();
        assertTrue(stopped.endsWith("stopped"), stopped);
    }
}
