package tandem.app.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** Search, export (Markdown, JSON) and import: round trips, and bad files that change nothing. */
class ChatTransferTest {
    @TempDir Path dir;
    private final ReadOnlyObjectWrapper<LoadedModel> loaded = new ReadOnlyObjectWrapper<>(new FakeModel(2));

    private ChatViewModel chat(String folder) {
        Path home = dir.resolve(folder);
        return new ChatViewModel(AppExecutors.direct(), loaded.getReadOnlyProperty(), ChatHistory.store(home.resolve("history.json")),
                new SettingsService(home.resolve("settings.json"), Runnable::run));
    }

    private static void ask(ChatViewModel chat, String question) {
        chat.inputProperty().set(question);
        chat.send();
    }

    private static List<String> titles(List<ConversationViewModel> list) {
        return list.stream().map(c -> c.titleProperty().get()).toList();
    }

    /** Two chats, the second with a regenerated answer. */
    private ChatViewModel twoChats() {
        ChatViewModel chat = chat("a");
        chat.newConversation().systemPromptProperty().set("Be brief.");
        ask(chat, "Tell me about dragons");
        chat.newConversation();
        ask(chat, "A recipe for soup");
        chat.regenerate();
        return chat;
    }

    @Test
    void searchFindsTitlesAndTextWithEveryWord() {
        ChatViewModel chat = twoChats();
        chat.rename(chat.conversations().getLast(), "Fire breathers");
        chat.searchProperty().set("DRAGONS");
        assertEquals(List.of("Fire breathers"), titles(chat.foundConversations()), "found by a question's text, any case");
        chat.searchProperty().set("soup");
        assertEquals(List.of("A recipe for soup"), titles(chat.foundConversations()));
        chat.searchProperty().set("soup t1");
        assertEquals(List.of("A recipe for soup"), titles(chat.foundConversations()), "answers are searched too");
        chat.searchProperty().set("soup dragons");
        assertTrue(chat.foundConversations().isEmpty(), "every word must be found");
        chat.searchProperty().set(" ");
        assertEquals(2, chat.foundConversations().size());
    }

    @Test
    void aJsonExportImportsIntoAnotherInstallationAsItWas() {
        ChatViewModel source = twoChats();
        Path file = dir.resolve("chats.json");
        ChatViewModel.Transfer exported = source.exportJson(List.copyOf(source.conversations()), file);
        assertFalse(exported.failed(), exported.message());

        ChatViewModel target = chat("b");
        ask(target, "Already here");
        ChatViewModel.Transfer imported = target.importJson(file);
        assertFalse(imported.failed(), imported.message());
        assertEquals("Imported 2 conversations from chats.json", imported.message());
        assertEquals(List.of("A recipe for soup", "Tell me about dragons", "Already here"), titles(target.conversations()));
        for (int i = 0; i < 2; i++) {
            assertEquals(source.conversations().get(i).toStored(), target.conversations().get(i).toStored(), "conversation " + i);
        }
        assertEquals(2, target.conversations().getFirst().messages().getLast().versionCountProperty().get(), "versions come along");

        target.importJson(file);
        assertEquals(5, target.conversations().size(), "importing again adds copies");
        assertNotEquals(target.conversations().get(0).id(), target.conversations().get(2).id(), "a copy gets its own id");

        ChatViewModel reopened = chat("b");
        assertEquals(5, reopened.conversations().size(), "the import is saved");
    }

    @Test
    void aBadFileIsRefusedInOneLineAndTheChatsStay() throws IOException {
        ChatViewModel chat = twoChats();
        chat.saveNow();
        String history = Files.readString(dir.resolve("a/history.json"));
        Path notJson = Files.writeString(dir.resolve("notes.json"), "{\"conversations\": [ {\"title\": ");
        Path other = Files.writeString(dir.resolve("package.json"), "{\"name\": \"x\"}");
        Path badRole = Files.writeString(dir.resolve("roles.json"), "{\"messages\": [{\"role\": \"robot\", \"content\": \"hi\"}]}");
        for (Path bad : List.of(notJson, other, badRole, dir.resolve("missing.json"))) {
            ChatViewModel.Transfer result = chat.importJson(bad);
            assertTrue(result.failed(), bad.toString());
            assertTrue(result.message().startsWith("Not imported: ") && !result.message().contains("\n"), result.message());
        }
        assertTrue(chat.importJson(notJson).message().contains("not valid JSON (line 1)"));
        assertTrue(chat.importJson(badRole).message().contains("without a known role"));
        assertEquals(2, chat.conversations().size());
        chat.saveNow();
        assertEquals(history, Files.readString(dir.resolve("a/history.json")), "the history is as it was");
    }

    @Test
    void aSingleConversationExportsAsMarkdown() throws IOException {
        ChatViewModel chat = twoChats();
        ConversationViewModel dragons = chat.conversations().getLast();
        dragons.messages().getLast().textProperty().set("<think>Dragons are myths.</think>They breathe **fire**.");
        Path file = dir.resolve("dragons.md");
        assertFalse(chat.exportMarkdown(dragons, file).failed());
        assertEquals("""
                # Tell me about dragons

                *System prompt:* Be brief.

                ## You

                Tell me about dragons

                ## Tandem

                > **Thinking:** Dragons are myths.

                They breathe **fire**.

                """, Files.readString(file));
        assertTrue(ChatTransfer.markdown(chat.conversations().getFirst().toStored()).contains("## Tandem (version 2 of 2)"));
    }
}
