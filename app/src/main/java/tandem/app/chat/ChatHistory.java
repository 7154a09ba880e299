package tandem.app.chat;

import java.nio.file.Path;
import java.util.List;
import tandem.app.store.JsonStore;

/** All conversations as stored on disk (JSON through Jackson). */
public record ChatHistory(List<Conversation> conversations) {
    public ChatHistory {
        conversations = conversations == null ? List.of() : List.copyOf(conversations);
    }

    public static ChatHistory empty() { return new ChatHistory(List.of()); }

    /** The history file's store: a damaged file keeps its intact conversations and is set aside with a notice. */
    public static JsonStore<ChatHistory> store(Path file) {
        return new JsonStore<>(file, ChatHistory.class, ChatHistory::empty, "chat history", new HistorySalvage());
    }

    public record Conversation(String id, String title, String systemPrompt, List<Message> messages) {
        public Conversation {
            messages = messages == null ? List.of() : List.copyOf(messages);
        }
    }

    /** @param stats null for user messages and for answers that failed */
    public record Message(String role, String content, GenerationStats stats) {}
}
