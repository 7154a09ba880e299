package tandem.app.chat;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/** One message in a conversation; an assistant's answer fills in while it streams. */
public final class MessageViewModel {
    public static final String USER = "user";
    public static final String ASSISTANT = "assistant";

    private final String role;
    private final StringProperty text = new SimpleStringProperty(this, "text", "");
    private final ObjectProperty<GenerationStats> stats = new SimpleObjectProperty<>(this, "stats");
    private final BooleanProperty streaming = new SimpleBooleanProperty(this, "streaming", false);
    private final StringProperty problem = new SimpleStringProperty(this, "problem", "");
    private final StringProperty notice = new SimpleStringProperty(this, "notice", "");

    public MessageViewModel(String role, String text) {
        this.role = role;
        this.text.set(text);
    }

    public String role() { return role; }

    public boolean isUser() { return USER.equals(role); }

    public StringProperty textProperty() { return text; }

    public String text() { return text.get(); }

    /** Tokens/s, time to first token and count; null until the answer is complete. */
    public ObjectProperty<GenerationStats> statsProperty() { return stats; }

    public BooleanProperty streamingProperty() { return streaming; }

    /** Why the answer failed, in plain words; empty otherwise. */
    public StringProperty problemProperty() { return problem; }

    /** Something the user should know about how this answer came about (e.g. turns left out of the context); empty otherwise. */
    public StringProperty noticeProperty() { return notice; }

    void append(String more) { text.set(text.get() + more); }

    ChatHistory.Message toStored() {
        return new ChatHistory.Message(role, text.get(), stats.get());
    }

    static MessageViewModel fromStored(ChatHistory.Message m) {
        MessageViewModel vm = new MessageViewModel(m.role(), m.content() == null ? "" : m.content());
        vm.stats.set(m.stats());
        return vm;
    }
}
