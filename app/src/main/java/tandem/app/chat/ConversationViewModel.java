package tandem.app.chat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import tandem.engine.api.ChatMessage;

/** One conversation of the side list: its title, system prompt and messages. */
public final class ConversationViewModel {
    static final String NEW_TITLE = "New chat";
    private static final int TITLE_LENGTH = 40;

    private final String id;
    private final StringProperty title = new SimpleStringProperty(this, "title", NEW_TITLE);
    private final StringProperty systemPrompt = new SimpleStringProperty(this, "systemPrompt", "");
    private final ObservableList<MessageViewModel> messages = FXCollections.observableArrayList();

    /** A new, empty conversation. */
    public static ConversationViewModel create(String systemPrompt) {
        ConversationViewModel c = new ConversationViewModel(UUID.randomUUID().toString());
        c.systemPrompt.set(systemPrompt);
        return c;
    }

    private ConversationViewModel(String id) {
        this.id = id;
    }

    public String id() { return id; }

    public StringProperty titleProperty() { return title; }

    public StringProperty systemPromptProperty() { return systemPrompt; }

    public ObservableList<MessageViewModel> messages() { return messages; }

    /** Names an untitled conversation after its first question. */
    void titleFrom(String firstQuestion) {
        if (!NEW_TITLE.equals(title.get())) return;
        String oneLine = firstQuestion.strip().replaceAll("\\s+", " ");
        title.set(oneLine.length() <= TITLE_LENGTH ? oneLine : oneLine.substring(0, TITLE_LENGTH - 1) + "…");
    }

    /** The conversation as the chat template wants it: system prompt first, then the messages given. */
    List<ChatMessage> toChatMessages(List<MessageViewModel> upTo) {
        List<ChatMessage> result = new ArrayList<>();
        if (!systemPrompt.get().isBlank()) result.add(ChatMessage.system(systemPrompt.get()));
        for (MessageViewModel m : upTo) result.add(new ChatMessage(m.role(), m.text()));
        return result;
    }

    /**
     * Whether every word of the query is in the title or the text (any version of any message),
     * ignoring case; a blank query matches all.
     */
    public boolean matches(String query) {
        if (query == null || query.isBlank()) return true;
        StringBuilder all = new StringBuilder(title.get()).append('\n');
        for (ChatHistory.Message m : toStored().messages()) {
            all.append(m.content()).append('\n');
            m.versions().forEach(v -> all.append(v.content()).append('\n'));
        }
        String haystack = all.toString().toLowerCase(Locale.ROOT);
        return Arrays.stream(query.toLowerCase(Locale.ROOT).strip().split("\\s+")).allMatch(haystack::contains);
    }

    ChatHistory.Conversation toStored() {
        return new ChatHistory.Conversation(id, title.get(), systemPrompt.get(),
                messages.stream().map(MessageViewModel::toStored).toList()); // a streaming answer is kept as far as it got
    }

    static ConversationViewModel fromStored(ChatHistory.Conversation c) {
        return fromStored(c, c.id() == null ? UUID.randomUUID().toString() : c.id());
    }

    /** An imported conversation: a new id when the one it has is taken, so it never replaces a chat. */
    static ConversationViewModel imported(ChatHistory.Conversation c, java.util.Set<String> taken) {
        return fromStored(c, c.id() == null || taken.contains(c.id()) ? UUID.randomUUID().toString() : c.id());
    }

    private static ConversationViewModel fromStored(ChatHistory.Conversation c, String id) {
        ConversationViewModel vm = new ConversationViewModel(id);
        vm.title.set(c.title() == null ? NEW_TITLE : c.title());
        vm.systemPrompt.set(c.systemPrompt() == null ? "" : c.systemPrompt());
        c.messages().forEach(m -> vm.messages.add(MessageViewModel.fromStored(m)));
        return vm;
    }
}
