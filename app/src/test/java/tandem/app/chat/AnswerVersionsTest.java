package tandem.app.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javafx.beans.property.ReadOnlyObjectWrapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.app.concurrent.AppExecutors;
import tandem.app.fakes.FakeModel;
import tandem.app.settings.SettingsService;
import tandem.engine.api.LoadedModel;

/** Regenerate keeps the earlier answers: versions to flip between, saved with the history, old files still read. */
class AnswerVersionsTest {
    @TempDir Path dir;
    private final ReadOnlyObjectWrapper<LoadedModel> loaded = new ReadOnlyObjectWrapper<>();

    private ChatViewModel chat() {
        return new ChatViewModel(AppExecutors.direct(), loaded.getReadOnlyProperty(), ChatHistory.store(dir.resolve("history.json")),
                new SettingsService(dir.resolve("settings.json"), Runnable::run));
    }

    @Test
    void regenerateAddsAVersionAndTheUserFlipsBetweenThem() {
        loaded.set(new FakeModel(2));
        ChatViewModel chat = chat();
        chat.inputProperty().set("Hi");
        chat.send();
        MessageViewModel answer = chat.selectedProperty().get().messages().getLast();
        assertEquals(1, answer.versionCountProperty().get());

        loaded.set(new FakeModel(3)); // a different answer for the second version
        chat.regenerate();
        List<MessageViewModel> messages = chat.selectedProperty().get().messages();
        assertEquals(2, messages.size(), "the new answer is a version of the old one, not another message");
        assertEquals(2, answer.versionCountProperty().get());
        assertEquals(1, answer.shownVersionProperty().get());
        assertEquals("t0 t1 t2 ", answer.text());

        chat.showVersion(answer, 0);
        assertEquals("t0 t1 ", answer.text());
        assertEquals(2, answer.statsProperty().get().generatedTokens(), "each version keeps its own figures");
        chat.showVersion(answer, 5);
        assertEquals(0, answer.shownVersionProperty().get(), "out of range: ignored");

        chat.inputProperty().set("More");
        chat.send();
        assertEquals("user: Hi\nassistant: t0 t1 \nuser: More\nassistant:", ((FakeModel) loaded.get()).lastPrompt,
                "the model sees the version shown");
    }

    @Test
    void versionsAndTheChoiceAreSavedAndReopened() throws IOException {
        loaded.set(new FakeModel(2));
        ChatViewModel chat = chat();
        chat.inputProperty().set("Hi");
        chat.send();
        loaded.set(new FakeModel(3));
        chat.regenerate();
        MessageViewModel answer = chat.selectedProperty().get().messages().getLast();
        chat.showVersion(answer, 0);
        chat.saveNow();

        JsonNode stored = new ObjectMapper().readTree(dir.resolve("history.json").toFile())
                .get("conversations").get(0).get("messages").get(1);
        assertEquals("t0 t1 ", stored.get("content").asText(), "an older Tandem reads the answer shown");
        assertEquals(2, stored.get("versions").size());
        assertNull(new ObjectMapper().readTree(dir.resolve("history.json").toFile())
                .get("conversations").get(0).get("messages").get(0).get("versions"), "a single version writes no list");

        ChatViewModel again = chat();
        MessageViewModel reopened = again.conversations().getFirst().messages().getLast();
        assertEquals(2, reopened.versionCountProperty().get());
        assertEquals(0, reopened.shownVersionProperty().get());
        assertEquals("t0 t1 ", reopened.text());
        again.showVersion(reopened, 1);
        assertEquals("t0 t1 t2 ", reopened.text());
        assertEquals(3, reopened.statsProperty().get().generatedTokens());
    }

    @Test
    void aHistoryFromBeforeVersionsOpensWithOneVersionPerAnswer() throws IOException {
        Files.writeString(dir.resolve("history.json"), """
                {"conversations": [{"id": "a", "title": "Old", "systemPrompt": "", "messages": [
                  {"role": "user", "content": "Hi"},
                  {"role": "assistant", "content": "Hello there", "stats": null}]}]}
                """);
        loaded.set(new FakeModel(2));
        ChatViewModel chat = chat();
        MessageViewModel answer = chat.conversations().getFirst().messages().getLast();
        assertEquals("Hello there", answer.text());
        assertEquals(1, answer.versionCountProperty().get());
        assertEquals("", chat.noticeProperty().get(), "nothing set aside");

        chat.regenerate();
        chat.showVersion(answer, 0);
        assertEquals("Hello there", answer.text(), "the old answer is the first version");
    }
}
