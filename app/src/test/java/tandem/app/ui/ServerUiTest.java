package tandem.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.input.Clipboard;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/** The Server switch as a user works it: on, the URL copied, a request answered and logged, off. */
class ServerUiTest extends RealAppTest {
    @Test
    void theSwitchServesTheLoadedModelAndLogsTheRequest(FxRobot robot) throws Exception {
        UiWaits.until("the demo model is loaded", 60, () -> app.model().loadedProperty().get() != null);
        shortcut(robot, KeyCode.DIGIT6);
        robot.doubleClickOn("#server-port .text-field").write("0").type(KeyCode.ENTER); // any free port
        robot.clickOn("#server-key").write("secret");

        robot.clickOn("#server-switch");

        UiWaits.until("serving", 10, () -> app.server().runningProperty().get());
        assertTrue(robot.lookup("#server-switch").queryAs(ToggleButton.class).isSelected());
        String url = robot.lookup("#server-url").queryAs(TextField.class).getText();
        assertTrue(url.startsWith("http://127.0.0.1:") && url.endsWith("/v1") && !url.endsWith(":0/v1"), url);
        robot.clickOn("#server-copy");
        assertEquals(url, UiWaits.onFx(() -> Clipboard.getSystemClipboard().getString()));

        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/chat/completions"))
                .header("Authorization", "Bearer secret").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":8}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        TableView<?> log = robot.lookup("#server-log").queryAs(TableView.class);
        UiWaits.until("the request is in the log", 10, () -> log.getItems().size() == 1);

        robot.clickOn("#server-switch");
        UiWaits.until("stopped", 10, () -> !app.server().runningProperty().get());
        assertFalse(robot.lookup("#server-switch").queryAs(ToggleButton.class).isSelected());
        assertEquals("", robot.lookup("#server-url").queryAs(TextField.class).getText());
    }
}
