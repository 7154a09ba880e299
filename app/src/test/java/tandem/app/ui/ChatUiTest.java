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
import tandem.engine.api.StopReason;

/** The real app with the bundled demo model: type, send, watch the answer stream in, stop with Esc. */
class ChatUiTest extends RealAppTest {
    /** The newest message's label of a kind (they are laid out oldest first). */
    private static Label last(FxRobot robot, String selector) {
        return robot.lookup(selector).queryAllAs(Label.class).stream().reduce((first, second) -> second).orElseThrow();
    }

    /** The text of the newest message as the window shows it (an answer's Markdown blocks, one under the other). */
    static String shownText(FxRobot robot) {
        javafx.scene.Node body = robot.lookup(".message-text").queryAll().stream().reduce((first, second) -> second).orElseThrow();
        return body.lookupAll(".selectable-text").stream()
                .map(n -> ((tandem.app.markdown.SelectableText) n).getText())
                .collect(java.util.stream.Collectors.joining("\n"));
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
        assertEquals(answer.text().replaceAll("\\s+", " ").strip(), shownText(robot).replaceAll("\\s+", " ").strip(),
                "the window shows the answer");
        String footer = last(robot, ".message-stats").getText();
        assertTrue(footer.contains("tokens/s") && footer.contains("first token"), footer);

        // The monitor charted that answer; hovering a chart shows the values under the pointer.
        shortcut(robot, KeyCode.DIGIT5);
        // Idle time is a gap without values: point at the time of the answer's last sample.
        javafx.scene.Node plot = robot.lookup(".utilisation .chart-plot-background").query();
        javafx.scene.chart.NumberAxis time = (javafx.scene.chart.NumberAxis) robot.lookup(".utilisation")
                .queryAs(javafx.scene.chart.LineChart.class).getXAxis();
        javafx.geometry.Point2D at = UiWaits.onFx(() -> {
            double seconds = app.monitor().latestProperty().get().seconds();
            double x = time.localToScreen(time.getDisplayPosition(seconds), 0).getX();
            return new javafx.geometry.Point2D(x - 2, plot.localToScreen(plot.getBoundsInLocal()).getCenterY());
        });
        robot.moveTo(at);
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

    /** Issue 16, defect 3, on the demo model: the meter fills, and the rolling window keeps the chat going. */
    @Test
    void theContextMeterFillsAndTheRollingWindowKeepsAFullConversationGoing(FxRobot robot) {
        UiWaits.until("the demo model is loaded", 60, () -> app.model().loadedProperty().get() != null);
        int context = UiWaits.onFx(() -> app.chat().contextLengthProperty().get());
        assertTrue(context > 0, "the meter knows the context");
        assertEquals(tandem.app.settings.ContextPolicy.ROLLING_WINDOW,
                robot.lookup("#context-policy").queryAs(javafx.scene.control.ChoiceBox.class).getValue());
        String longQuestion = "Once upon a time there was a little girl who liked to play in the park. ".repeat(8);
        // Its own conversation, deleted at the end: the other test of this class shares the data folder.
        var conversation = UiWaits.onFx(() -> app.chat().newConversation());
        int previous = 0;
        for (int turn = 0; turn < 6 && lastNoticeIsEmpty(); turn++) {
            UiWaits.onFx(() -> {
                app.chat().inputProperty().set(longQuestion);
                app.chat().send();
                return null;
            });
            UiWaits.until("the answer is complete", 120, () -> !app.chat().generatingProperty().get());
            assertEquals("", lastMessage().problemProperty().get(), "turn " + turn);
            int used = UiWaits.onFx(() -> app.chat().contextUsedProperty().get());
            if (lastNoticeIsEmpty()) assertTrue(used > previous, "the meter grows: " + used + " after " + previous);
            previous = used;
            assertTrue(used <= context);
        }
        String notice = lastMessage().noticeProperty().get();
        assertTrue(notice.contains("left out") && notice.contains(context + " tokens"), notice);
        assertTrue(robot.lookup(".message-notice").queryAllAs(Label.class).stream().anyMatch(l -> notice.equals(l.getText()) && l.isVisible()),
                "the notice shows in the conversation");
        assertTrue(robot.lookup("#context-label").queryAs(Label.class).getText().endsWith(String.format(java.util.Locale.ROOT, "/ %,d tokens", context)));
        UiWaits.onFx(() -> {
            app.chat().delete(conversation);
            app.chat().saveNow();
            return null;
        });
    }

    private boolean lastNoticeIsEmpty() {
        return UiWaits.onFx(() -> {
            var selected = app.chat().selectedProperty().get();
            return selected == null || selected.messages().isEmpty() || selected.messages().getLast().noticeProperty().get().isEmpty();
        });
    }
}
