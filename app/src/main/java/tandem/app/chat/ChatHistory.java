package tandem.app.chat;

import com.fasterxml.jackson.annotation.JsonInclude;
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

    /**
     * One message. An answer that was regenerated keeps every version: {@code content} and
     * {@code stats} are the one shown (so an older Tandem, which knows only those, reads the
     * answer the user chose), {@code versions} all of them in order, {@code shown} its index.
     * Files from before versions existed have neither: the message is its only version.
     *
     * @param stats    null for user messages and for answers that failed
     * @param versions null or empty when the message has one version
     * @param shown    index into versions of the one shown; null with versions absent
     */
    public record Message(String role, String content, GenerationStats stats,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Version> versions,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Integer shown) {
        public Message(String role, String content, GenerationStats stats) {
            this(role, content, stats, null, null);
        }

        public Message {
            versions = versions == null ? List.of() : List.copyOf(versions);
        }
    }

    /** One answer of an assistant turn that was regenerated. @param stats null when it failed */
    public record Version(String content, GenerationStats stats) {}
}
