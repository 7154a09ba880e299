package tandem.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javafx.scene.control.Label;
import javafx.scene.control.TitledPane;
import java.nio.file.Path;
import java.util.List;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.input.Clipboard;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.GridPane;
import javafx.scene.text.Text;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import tandem.app.chat.ChatView;
import tandem.app.chat.ChatViewModel;
import tandem.app.chat.MessageViewModel;
import tandem.app.markdown.SelectableText;

/** How an answer shows: Markdown (headings, lists, a table, a code block with Copy, inline styles), selectable text, the Thinking section. */
@ExtendWith(ApplicationExtension.class)
class MarkdownUiTest {
    private static final String CODE = "for i in range(3):\n    print(i * 2)";
    private static final String ANSWER = """
            # Devices compared

            Use **two** GPUs with *tensor* split; run `tandem bench` first. See [the guide](https://example.org/guide).

            1. Load the model
            2. Measure

            | Device | Tokens/s |
            |:-------|---------:|
            | GPU 0  | 41.5     |
            | GPU 1  | 39.0     |

            ```python
            %s
            ```
            """.formatted(CODE);

    @TempDir static Path dir;
    private Parent root;
    private ChatViewModel chat;

    @Start
    void start(Stage stage) {
        chat = StandaloneChat.in(dir);
        root = StandaloneChat.show(stage, new ChatView(chat));
    }

    private MessageViewModel showAnswer(FxRobot robot, String text) {
        MessageViewModel answer = new MessageViewModel(MessageViewModel.ASSISTANT, "");
        robot.interact(() -> {
            var c = chat.newConversation();
            c.messages().add(new MessageViewModel(MessageViewModel.USER, "Compare my devices"));
            c.messages().add(answer);
            answer.textProperty().set(text);
        });
        return answer;
    }

    private static String text(Node node) { return ((SelectableText) node).getText(); }

    @Test
    void headingsListsTablesAndCodeBlocksAreRenderedAndCodeCopies(FxRobot robot) {
        showAnswer(robot, ANSWER);

        assertEquals("Devices compared", text(robot.from(root).lookup(".md-h1").query()));
        assertEquals(List.of("1.", "2."), robot.from(root).lookup(".md-list-marker").queryAllAs(javafx.scene.control.Label.class)
                .stream().map(javafx.scene.control.Label::getText).toList());
        assertEquals(List.of("Load the model", "Measure"), robot.from(root).lookup(".md-list-item .selectable-text").queryAll()
                .stream().map(MarkdownUiTest::text).toList());

        SelectableText paragraph = robot.from(root).lookup(".md-paragraph").queryAs(SelectableText.class);
        assertEquals("Use two GPUs with tensor split; run tandem bench first. See the guide.", paragraph.getText(),
                "emphasis markers are gone, a link shows as its text");
        List<Text> runs = paragraph.lookupAll(".md-text").stream().map(Text.class::cast).toList();
        assertTrue(runs.stream().anyMatch(t -> t.getText().equals("two") && t.getStyleClass().contains("md-strong")));
        assertTrue(runs.stream().anyMatch(t -> t.getText().equals("tensor") && t.getStyleClass().contains("md-em")));
        assertTrue(runs.stream().anyMatch(t -> t.getText().equals("tandem bench") && t.getStyleClass().contains("md-code")));
        assertTrue(runs.stream().anyMatch(t -> t.getText().equals("the guide") && t.getStyleClass().contains("md-link")));

        GridPane table = robot.from(root).lookup(".md-table").queryAs(GridPane.class);
        assertEquals(List.of("Device", "Tokens/s"), table.lookupAll(".md-table-header").stream().map(MarkdownUiTest::text).toList());
        assertEquals(List.of("GPU 0", "41.5", "GPU 1", "39.0"), table.lookupAll(".md-table-cell").stream().map(MarkdownUiTest::text).toList());
        assertEquals(javafx.scene.text.TextAlignment.RIGHT, alignmentOf(table.lookupAll(".md-table-cell").stream().toList().get(1)),
                "the numbers' column is right-aligned as the Markdown says");

        Node code = robot.from(root).lookup(".md-code-block").query();
        assertEquals(CODE, text(code.lookup(".md-code-text")));
        assertEquals("python", ((javafx.scene.control.Label) code.lookup(".md-code-language")).getText());
        robot.interact(() -> Clipboard.getSystemClipboard().clear());
        Button copy = (Button) code.lookup(".code-copy");
        robot.clickOn(copy);
        assertEquals(CODE, UiWaits.onFx(() -> Clipboard.getSystemClipboard().getString()), "Copy puts the code on the clipboard");
        assertEquals("Copied", copy.getText());
    }

    private static javafx.scene.text.TextAlignment alignmentOf(Node selectable) {
        return ((javafx.scene.text.TextFlow) ((Parent) selectable).getChildrenUnmodifiable().get(1)).getTextAlignment();
    }

    @Test
    void aDoubleClickSelectsAWordThatCtrlCCopies(FxRobot robot) {
        showAnswer(robot, "Streaming tokens arrive quickly");
        SelectableText paragraph = robot.from(root).lookup(".md-paragraph").queryAs(SelectableText.class);
        robot.interact(() -> Clipboard.getSystemClipboard().clear());
        robot.doubleClickOn(paragraph);
        String selected = UiWaits.onFx(paragraph::selectedText);
        assertFalse(selected.isEmpty(), "a word is selected");
        assertTrue(List.of("Streaming", "tokens", "arrive", "quickly").contains(selected), selected);
        robot.press(KeyCode.CONTROL, KeyCode.C).release(KeyCode.C, KeyCode.CONTROL);
        assertEquals(selected, UiWaits.onFx(() -> Clipboard.getSystemClipboard().getString()));
    }

    @Test
    void aStreamingAnswerRebuildsOnlyTheBlockThatGrows(FxRobot robot) {
        MessageViewModel answer = showAnswer(robot, "# Plan\n\nFirst we");
        Node heading = robot.from(root).lookup(".md-h1").query();
        robot.interact(() -> answer.textProperty().set(answer.text() + " load the model"));
        assertSame(heading, robot.from(root).lookup(".md-h1").query(), "the finished heading keeps its nodes");
        assertEquals("First we load the model", text(robot.from(root).lookup(".md-paragraph").query()));
        robot.interact(() -> answer.textProperty().set(answer.text() + ".\n\n```\nx = 1"));
        assertEquals("x = 1", text(robot.from(root).lookup(".md-code-text").query()), "an unclosed fence already shows as code");
    }

    /** A reasoning model's answer: the thoughts in a "Thinking" section that folds once the answer starts. */
    @Test
    void theThinkingShowsWhileTheModelThinksAndFoldsWhenTheAnswerStarts(FxRobot robot) {
        MessageViewModel answer = new MessageViewModel(MessageViewModel.ASSISTANT, "");
        robot.interact(() -> {
            var c = chat.newConversation();
            c.messages().add(new MessageViewModel(MessageViewModel.USER, "How many r in strawberry?"));
            c.messages().add(answer);
            answer.textProperty().set("<think>\nLet me count: s-t-r-a-w-b-e-r-r-y");
        });
        TitledPane thinking = robot.from(root).lookup(".thinking").queryAs(TitledPane.class);
        assertTrue(thinking.isVisible() && thinking.isExpanded(), "open while the model thinks");
        assertEquals("Thinking…", thinking.getText());

        robot.interact(() -> answer.textProperty().set(answer.text() + ": three.\n</think>\n\nThere are three r's."));

        assertFalse(thinking.isExpanded(), "folded once the answer begins");
        assertEquals("Thinking", thinking.getText());
        assertEquals("Let me count: s-t-r-a-w-b-e-r-r-y: three.", robot.from(root).lookup(".thinking-text").queryAs(Label.class).getText());
        assertEquals("There are three r's.", ChatUiTest.shownText(robot), "the answer shows without the reasoning");
        robot.clickOn(thinking.lookup(".title"));
        assertTrue(thinking.isExpanded(), "a click opens it again");
    }
}
