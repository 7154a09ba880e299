package tandem.app.store;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tandem.app.chat.ChatHistory;
import tandem.app.settings.AppSettings;

/**
 * The child process of {@link KilledWritesTest}: loads the history and settings like the app does,
 * then saves them over and over, printing {@code saved N} only after the save of conversation N
 * returned. The parent kills it at a random moment; whatever it printed must survive.
 */
public final class KilledWriter {
    /** The history keeps this many newest conversations, so the file stays a constant size. */
    static final int KEPT = 40;

    private KilledWriter() {}

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        JsonStore<ChatHistory> history = ChatHistory.store(dir.resolve("history.json"));
        JsonStore<AppSettings> settings = new JsonStore<>(dir.resolve("settings.json"), AppSettings.class,
                AppSettings::defaults, "settings");
        List<ChatHistory.Conversation> conversations = new ArrayList<>(history.load().value().conversations());
        AppSettings current = settings.load().value();
        int next = conversations.isEmpty() ? 1 : number(conversations.getLast()) + 1;
        for (;; next++) {
            conversations.add(conversation(next));
            if (conversations.size() > KEPT) conversations.removeFirst();
            history.save(new ChatHistory(conversations));
            current = current.withRecentModel("/models/model-" + next + ".gguf");
            settings.save(current);
            System.out.println("saved " + next);
            System.out.flush();
        }
    }

    static int number(ChatHistory.Conversation c) { return Integer.parseInt(c.id().substring(1)); }

    static ChatHistory.Conversation conversation(int n) {
        // A few kilobytes each, so a save takes long enough to be killed in the middle.
        String answer = ("Answer " + n + " ünïcödé ✓ ").repeat(100);
        return new ChatHistory.Conversation("c" + n, "Conversation " + n, "Be brief.", List.of(
                new ChatHistory.Message("user", "Question " + n, null),
                new ChatHistory.Message("assistant", answer, null)));
    }
}
