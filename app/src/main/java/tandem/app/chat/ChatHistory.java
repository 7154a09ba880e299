package tandem.app.chat;

import java.util.List;

/** All conversations as stored on disk (JSON through Jackson). */
public record ChatHistory(List<Conversation> conversations) {
    public ChatHistory {
        conversations = conversations == null ? List.of() : List.copyOf(conversations);
    }

    public static ChatHistory empty() { return new ChatHistory(List.of()); }

    public record Conversation(String id, String title, String systemPrompt, List<Message> messages) {
        public Conversation {
            messages = messages == null ? List.of() : List.copyOf(messages);
        }
    }

    /** @param stats null for user messages and for answers that failed */
    public record Message(String role, String content, GenerationStats stats) {}
}
