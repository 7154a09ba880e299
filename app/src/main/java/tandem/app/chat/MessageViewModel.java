package tandem.app.chat;

import java.util.ArrayList;
import java.util.List;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * One message in a conversation; an assistant's answer fills in while it streams. Regenerating
 * an answer adds a version rather than replacing it: {@link #textProperty()} and
 * {@link #statsProperty()} are the version shown, and the user flips between versions.
 */
public final class MessageViewModel {
    public static final String USER = "user";
    public static final String ASSISTANT = "assistant";

    private final String role;
    private final StringProperty text = new SimpleStringProperty(this, "text", "");
    private final ObjectProperty<GenerationStats> stats = new SimpleObjectProperty<>(this, "stats");
    private final BooleanProperty streaming = new SimpleBooleanProperty(this, "streaming", false);
    private final StringProperty problem = new SimpleStringProperty(this, "problem", "");
    private final StringProperty notice = new SimpleStringProperty(this, "notice", "");
    /** Every version; the entry of the shown one is brought up to date when the user flips away from it. */
    private final List<ChatHistory.Version> versions = new ArrayList<>();
    private final ReadOnlyIntegerWrapper shown = new ReadOnlyIntegerWrapper(this, "shown", 0);
    private final ReadOnlyIntegerWrapper versionCount = new ReadOnlyIntegerWrapper(this, "versionCount", 1);

    public MessageViewModel(String role, String text) {
        this.role = role;
        this.text.set(text);
        versions.add(new ChatHistory.Version(text, null));
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

    /** Which version is shown, from 0. */
    public ReadOnlyIntegerProperty shownVersionProperty() { return shown.getReadOnlyProperty(); }

    /** How many versions this message has (1 until it is regenerated). */
    public ReadOnlyIntegerProperty versionCountProperty() { return versionCount.getReadOnlyProperty(); }

    /** Shows another version (ignored while streaming or out of range). */
    public void showVersion(int index) {
        if (streaming.get() || index < 0 || index >= versions.size() || index == shown.get()) return;
        keepShown();
        shown.set(index);
        text.set(versions.get(index).content());
        stats.set(versions.get(index).stats());
        problem.set("");
        notice.set("");
    }

    /** Starts an empty version after the others and shows it: the answer being regenerated. */
    void startVersion() {
        keepShown();
        versions.add(new ChatHistory.Version("", null));
        versionCount.set(versions.size());
        shown.set(versions.size() - 1);
        text.set("");
        stats.set(null);
        problem.set("");
        notice.set("");
    }

    private void keepShown() {
        versions.set(shown.get(), new ChatHistory.Version(text.get(), stats.get()));
    }

    void append(String more) { text.set(text.get() + more); }

    ChatHistory.Message toStored() {
        if (versions.size() == 1) return new ChatHistory.Message(role, text.get(), stats.get());
        List<ChatHistory.Version> all = new ArrayList<>(versions);
        all.set(shown.get(), new ChatHistory.Version(text.get(), stats.get()));
        return new ChatHistory.Message(role, text.get(), stats.get(), all, shown.get());
    }

    /** Also reads files written before versions existed: such a message is its own single version. */
    static MessageViewModel fromStored(ChatHistory.Message m) {
        MessageViewModel vm = new MessageViewModel(m.role(), m.content() == null ? "" : m.content());
        vm.stats.set(m.stats());
        if (m.versions().size() > 1) {
            vm.versions.clear();
            m.versions().forEach(v -> vm.versions.add(new ChatHistory.Version(v.content() == null ? "" : v.content(), v.stats())));
            int at = m.shown() == null ? vm.versions.size() - 1 : Math.clamp(m.shown(), 0, vm.versions.size() - 1);
            vm.versionCount.set(vm.versions.size());
            vm.shown.set(at);
            vm.text.set(vm.versions.get(at).content());
            vm.stats.set(vm.versions.get(at).stats());
        } else {
            vm.keepShown();
        }
        return vm;
    }
}
