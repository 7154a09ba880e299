package tandem.app.chat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;
import tandem.app.concurrent.AppExecutors;
import tandem.app.concurrent.LatestOnlyRunner;
import tandem.app.concurrent.UiBatcher;
import tandem.app.engine.RemoteChat;
import tandem.app.engine.UserMessages;
import tandem.app.settings.ContextPolicy;
import tandem.app.settings.SettingsService;
import tandem.app.store.JsonStore;
import tandem.engine.api.ChatMessage;
import tandem.engine.api.ChatSession;
import tandem.engine.api.GenerationResult;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.SamplingParams;
import tandem.engine.api.Session;
import tandem.engine.api.StopReason;
import tandem.engine.api.TandemException;

/**
 * The Chat screen's state and actions: conversations, sending, streaming, stop, regenerate,
 * edit-and-resend, and saving the history.
 *
 * <p>Generation runs on the engine thread. Tokens reach the UI through a {@link UiBatcher}, so a
 * fast model produces a handful of UI updates per frame, not one per token. Each answer is
 * rendered from the whole conversation with the model's chat template, in a session that is
 * reset first: the history is the single source of truth, so edits and regenerations need no
 * cache surgery.
 */
public final class ChatViewModel {
    private static final System.Logger LOG = System.getLogger(ChatViewModel.class.getName());

    private final AppExecutors executors;
    private final ReadOnlyObjectProperty<LoadedModel> model;
    /** Where the history is saved; the Preferences page can move it. */
    private volatile JsonStore<ChatHistory> store;
    private final LatestOnlyRunner saver;
    private final SamplingSettings sampling;

    private final ObservableList<ConversationViewModel> conversations = FXCollections.observableArrayList();
    private final StringProperty search = new SimpleStringProperty(this, "search", "");
    private final FilteredList<ConversationViewModel> found = new FilteredList<>(conversations);
    private final ObjectProperty<ConversationViewModel> selected = new SimpleObjectProperty<>(this, "selected");
    private final StringProperty input = new SimpleStringProperty(this, "input", "");
    private final ReadOnlyBooleanWrapper generating = new ReadOnlyBooleanWrapper(this, "generating", false);
    private final ReadOnlyStringWrapper notice = new ReadOnlyStringWrapper(this, "notice", "");
    /** Whether the loaded model's chat template drops system prompts (checked on each load). */
    private final ReadOnlyBooleanWrapper templateDropsSystem = new ReadOnlyBooleanWrapper(this, "templateDropsSystem", false);
    private final ReadOnlyIntegerWrapper contextUsed = new ReadOnlyIntegerWrapper(this, "contextUsed", 0);
    private final ReadOnlyIntegerWrapper contextLength = new ReadOnlyIntegerWrapper(this, "contextLength", 0);
    private final ObjectProperty<ContextPolicy> contextPolicy = new SimpleObjectProperty<>(this, "contextPolicy");
    private final BooleanBinding canSend;
    /** A remote engine that answers instead of the loaded model (the Server screen sets it); null: the model answers. */
    private final ObjectProperty<RemoteChat> remote = new SimpleObjectProperty<>(this, "remote");
    private final AtomicReference<RemoteChat> runningRemote = new AtomicReference<>();

    /** Set by stop(); read by the running generation's token listener. */
    private volatile AtomicBoolean stopRequested = new AtomicBoolean();
    private final AtomicReference<Session> runningSession = new AtomicReference<>();
    /** Engine-thread confined: one session per loaded model, reused for every answer. */
    private Session session;
    private LoadedModel sessionModel;
    /** The notice is about having no model, so a loaded model ends it (other notices stay until dismissed). */
    private boolean noticeUntilModel;

    public ChatViewModel(AppExecutors executors, ReadOnlyObjectProperty<LoadedModel> model,
                         JsonStore<ChatHistory> store, SettingsService settings) {
        this.executors = executors;
        this.model = model;
        this.store = store;
        this.saver = new LatestOnlyRunner(executors.background());
        this.sampling = new SamplingSettings(settings.current().sampling());
        contextPolicy.set(settings.current().contextPolicy());
        settings.onSaveProblem(problem -> executors.ui().execute(() -> notice.set("Settings not saved: " + problem)));
        contextPolicy.addListener((obs, old, now) -> {
            if (now != null) settings.update(s -> s.withContextPolicy(now));
        });
        selected.addListener((obs, old, now) -> measureContext());
        sampling.all().forEach(p -> p.addListener((obs, old, now) -> settings.update(s -> s.withSampling(sampling.toParams()))));
        this.canSend = Bindings.createBooleanBinding(
                () -> ready() && !generating.get() && !input.get().isBlank(), model, remote, generating, input);
        model.addListener((obs, old, now) -> modelChanged());
        search.addListener((obs, old, now) -> found.setPredicate(c -> c.matches(now)));
        loadHistory();
    }

    public ObservableList<ConversationViewModel> conversations() { return conversations; }

    /** The conversations the search finds (all of them while it is empty), newest first. */
    public ObservableList<ConversationViewModel> foundConversations() { return found; }

    /** Words to look for in the conversations' titles and text. */
    public StringProperty searchProperty() { return search; }

    public ObjectProperty<ConversationViewModel> selectedProperty() { return selected; }

    public StringProperty inputProperty() { return input; }

    public ReadOnlyBooleanProperty generatingProperty() { return generating.getReadOnlyProperty(); }

    public BooleanBinding canSendProperty() { return canSend; }

    /** Whether a model is loaded (or a remote engine chosen) to answer. */
    public BooleanBinding modelReadyProperty() { return model.isNotNull().or(remote.isNotNull()); }

    /**
     * True while the loaded model answers and its chat template sends no system prompt (Phi-3's, for
     * one): the view says the System field is not used rather than let it vanish silently.
     */
    public BooleanBinding systemPromptIgnoredProperty() {
        return templateDropsSystem.getReadOnlyProperty().and(remote.isNull());
    }

    /** The remote engine answering instead of the loaded model; null while the model answers. */
    public ObjectProperty<RemoteChat> remoteProperty() { return remote; }

    private boolean ready() { return model.get() != null || remote.get() != null; }

    /** A message for the user that is not tied to one answer (history set aside, no model). */
    public ReadOnlyStringProperty noticeProperty() { return notice.getReadOnlyProperty(); }

    public SamplingSettings sampling() { return sampling; }

    /** Tokens the selected conversation takes in the model's context (0 without a model). */
    public ReadOnlyIntegerProperty contextUsedProperty() { return contextUsed.getReadOnlyProperty(); }

    /** The loaded model's context in tokens (0 without a model). */
    public ReadOnlyIntegerProperty contextLengthProperty() { return contextLength.getReadOnlyProperty(); }

    /** What happens when a conversation outgrows the context; saved in the settings. */
    public ObjectProperty<ContextPolicy> contextPolicyProperty() { return contextPolicy; }

    /** Shows a message in the window's notice bar until a model is loaded (e.g. "the demo model is missing"). */
    public void showNotice(String message) {
        notice.set(message);
        noticeUntilModel = true;
    }

    /** The user closed the notice bar. */
    public void dismissNotice() { notice.set(""); }

    public ConversationViewModel newConversation() {
        ConversationViewModel c = ConversationViewModel.create("");
        conversations.addFirst(c);
        selected.set(c);
        save();
        return c;
    }

    public void delete(ConversationViewModel c) {
        if (generating.get() && c == selected.get()) return;
        conversations.remove(c);
        if (selected.get() == c) selected.set(conversations.isEmpty() ? null : conversations.getFirst());
        save();
    }

    public void rename(ConversationViewModel c, String title) {
        if (title == null || title.isBlank()) return;
        c.titleProperty().set(title.strip());
        save();
    }

    /** What an export or import did, in one line for the user. */
    public record Transfer(boolean failed, String message) {}

    /** Writes one conversation as Markdown. */
    public Transfer exportMarkdown(ConversationViewModel c, Path file) {
        try {
            ChatTransfer.writeMarkdown(c.toStored(), file);
            return new Transfer(false, "Saved “" + c.titleProperty().get() + "” as " + file.getFileName());
        } catch (IOException | UncheckedIOException e) {
            return new Transfer(true, "Not exported: cannot write " + file + ": " + e.getMessage());
        }
    }

    /** Writes conversations as JSON, to import here or in another Tandem. */
    public Transfer exportJson(List<ConversationViewModel> chosen, Path file) {
        try {
            ChatTransfer.writeJson(chosen.stream().map(ConversationViewModel::toStored).toList(), file);
            return new Transfer(false, "Saved " + count(chosen.size()) + " to " + file.getFileName());
        } catch (UncheckedIOException e) {
            return new Transfer(true, "Not exported: " + e.getMessage());
        }
    }

    /** Adds the conversations of a JSON export to the list; a file that is not one changes nothing. */
    public Transfer importJson(Path file) {
        List<ChatHistory.Conversation> read;
        try {
            read = ChatTransfer.readJson(file);
        } catch (TandemException e) {
            return new Transfer(true, "Not imported: " + e.getMessage());
        }
        java.util.Set<String> taken = new java.util.HashSet<>();
        conversations.forEach(c -> taken.add(c.id()));
        List<ConversationViewModel> added = new java.util.ArrayList<>();
        for (ChatHistory.Conversation c : read) {
            ConversationViewModel vm = ConversationViewModel.imported(c, taken);
            taken.add(vm.id());
            added.add(vm);
        }
        conversations.addAll(0, added);
        search.set("");
        selected.set(added.getFirst());
        save();
        return new Transfer(false, "Imported " + count(added.size()) + " from " + file.getFileName());
    }

    private static String count(int conversations) {
        return conversations + (conversations == 1 ? " conversation" : " conversations");
    }

    /** Sends the input as a new question in the selected conversation (a new one if none). */
    public void send() {
        if (!canSend.get()) return;
        ConversationViewModel c = selected.get() != null ? selected.get() : newConversation();
        String question = input.get().strip();
        input.set("");
        c.titleFrom(question);
        c.messages().add(new MessageViewModel(MessageViewModel.USER, question));
        answer(c);
    }

    /** Ends the running answer soon; it keeps what was generated so far. */
    public void stop() {
        stopRequested.set(true);
        Session s = runningSession.get();
        if (s != null) s.cancel();
        RemoteChat r = runningRemote.get();
        if (r != null) r.cancel();
    }

    /**
     * Answers the last question of the selected conversation again. The new answer becomes a
     * further version of the last one, which keeps the earlier versions to flip back to.
     */
    public void regenerate() {
        ConversationViewModel c = selected.get();
        if (c == null || generating.get() || !ready() || c.messages().isEmpty()) return;
        MessageViewModel last = c.messages().getLast();
        if (last.isUser()) {
            answer(c);
        } else if (c.messages().size() > 1) {
            last.startVersion();
            answer(c, last);
        }
    }

    /** Shows another version of a regenerated answer; the choice is saved, and is what the model sees next. */
    public void showVersion(MessageViewModel message, int index) {
        int before = message.shownVersionProperty().get();
        message.showVersion(index);
        if (message.shownVersionProperty().get() == before) return;
        measureContext();
        save();
    }

    /** Replaces a question with new text, forgets everything after it and answers again. */
    public void resend(MessageViewModel question, String newText) {
        ConversationViewModel c = selected.get();
        if (c == null || generating.get() || !ready() || !question.isUser() || newText.isBlank()) return;
        int at = c.messages().indexOf(question);
        if (at < 0) return;
        c.messages().remove(at, c.messages().size());
        c.messages().add(new MessageViewModel(MessageViewModel.USER, newText.strip()));
        answer(c);
    }

    /** Answers the conversation's last question in a new message. */
    private void answer(ConversationViewModel c) {
        MessageViewModel reply = new MessageViewModel(MessageViewModel.ASSISTANT, "");
        c.messages().add(reply);
        answer(c, reply);
    }

    /** Streams an answer to the messages before the reply (the conversation's last message) into it. */
    private void answer(ConversationViewModel c, MessageViewModel reply) {
        LoadedModel m = model.get();
        RemoteChat far = remote.get();
        List<ChatMessage> history = c.toChatMessages(List.copyOf(c.messages().subList(0, c.messages().size() - 1)));
        SamplingParams params = sampling.forAnswer(() -> java.util.concurrent.ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE));
        ContextPolicy policy = contextPolicy.get();
        reply.streamingProperty().set(true);
        generating.set(true);
        AtomicBoolean stop = new AtomicBoolean();
        stopRequested = stop;
        // the local session's tokens in use as the answer grows (-1 until known; a remote engine's are not), so the
        // context meter follows the answer instead of jumping when it ends
        AtomicInteger inUse = new AtomicInteger(-1);
        UiBatcher<String> tokens = new UiBatcher<>(executors.ui(), batch -> {
            reply.append(String.join("", batch));
            int used = inUse.get();
            if (used >= 0 && model.get() == m) contextUsed.set(used);
        });
        executors.engine().execute(() -> {
            GenerationResult result = null;
            String problem = "";
            int[] window = {0, 0}; // messages left out, context length
            try {
                result = far != null ? runRemote(far, history, params, stop, tokens)
                        : run(m, history, params, policy, stop, tokens, inUse, window);
            } catch (RuntimeException e) {
                problem = UserMessages.describe(e);
            }
            GenerationResult done = result;
            String failure = problem;
            int used = session == null ? 0 : session.position();
            executors.ui().execute(() -> {
                tokens.drain();
                if (window[0] > 0) reply.noticeProperty().set(ContextWindow.notice(window[0], window[1]));
                if (model.get() == m) contextUsed.set(used);
                finish(reply, done, failure);
            });
        });
    }

    /** Engine thread. */
    private GenerationResult run(LoadedModel m, List<ChatMessage> history, SamplingParams params, ContextPolicy policy,
                                 AtomicBoolean stop, UiBatcher<String> tokens, AtomicInteger inUse, int[] window) {
        if (stop.get()) return new GenerationResult("", 0, 0, 0, 0, 0, StopReason.CANCELLED);
        Session s = sessionFor(m);
        int context = s.contextLength();
        ContextWindow.Fitted fitted = ContextWindow.fit(history, h -> m.formatChat(h, true), m.tokenizer(),
                context, Math.min(params.maxTokens(), context / 4), policy);
        window[0] = fitted.leftOut();
        window[1] = context;
        int[] fresh = PromptCache.reuse(s, m, fitted.messages());
        runningSession.set(s);
        try {
            // stop() may come before generate() starts, which could clear the session's own flag:
            // checking on every token makes Stop work whenever it is pressed.
            return s.generate(fresh, params, event -> {
                inUse.set(s.position()); // before the offer, which may hand the batch to the UI at once
                tokens.offer(event.text());
                if (stop.get()) s.cancel();
            });
        } finally {
            runningSession.set(null);
        }
    }

    /** Engine thread: the remote engine answers; the conversation goes as messages (its server applies its template). */
    private GenerationResult runRemote(RemoteChat far, List<ChatMessage> history, SamplingParams params, AtomicBoolean stop,
                                       UiBatcher<String> tokens) {
        if (stop.get()) return new GenerationResult("", 0, 0, 0, 0, 0, StopReason.CANCELLED);
        runningRemote.set(far);
        try {
            // as for the local model, a stop that came before the stream started is caught at the first piece
            return far.chat(history, params, event -> {
                tokens.offer(event.text());
                if (stop.get()) far.cancel();
            });
        } finally {
            runningRemote.set(null);
        }
    }

    private Session sessionFor(LoadedModel m) {
        if (sessionModel != m) {
            closeSession();
            session = m.newSession();
            sessionModel = m;
        }
        return session;
    }

    private void closeSession() {
        if (session != null) session.close();
        session = null;
        sessionModel = null;
    }

    private void finish(MessageViewModel reply, GenerationResult result, String problem) {
        if (result != null) {
            reply.textProperty().set(result.text());
            reply.statsProperty().set(GenerationStats.from(result));
        }
        reply.problemProperty().set(problem);
        reply.streamingProperty().set(false);
        generating.set(false);
        save();
    }

    private void modelChanged() {
        if (generating.get()) stop();
        // The session belongs to the old model: close it on the engine thread before the model itself.
        executors.engine().execute(this::closeSession);
        checkSystemPrompt(model.get());
        if (model.get() != null && noticeUntilModel) {
            notice.set("");
            noticeUntilModel = false;
        }
        measureContext();
    }

    /** Renders a probe conversation with the new model's template (on the engine thread, with the model's other work). */
    private void checkSystemPrompt(LoadedModel m) {
        templateDropsSystem.set(false);
        if (m == null) return;
        executors.engine().execute(() -> {
            boolean drops = !ChatSession.templateKeepsSystemPrompt(m);
            executors.ui().execute(() -> {
                if (model.get() == m) templateDropsSystem.set(drops);
            });
        });
    }

    /** Counts the selected conversation's tokens for the context meter (on the engine thread: the tokenizer's home). */
    private void measureContext() {
        LoadedModel m = model.get();
        ConversationViewModel c = selected.get();
        if (m == null) {
            contextUsed.set(0);
            contextLength.set(0);
            return;
        }
        contextLength.set(m.plan().contextLength());
        List<ChatMessage> history = c == null ? List.of() : c.toChatMessages(List.copyOf(c.messages()));
        executors.engine().execute(() -> {
            int used;
            try {
                used = history.isEmpty() ? 0 : ContextWindow.count(history, h -> m.formatChat(h, false), m.tokenizer());
            } catch (RuntimeException e) {
                return; // the meter is a hint; the next answer reports real problems
            }
            executors.ui().execute(() -> {
                if (model.get() == m && selected.get() == c) contextUsed.set(used);
            });
        });
    }

    private void loadHistory() {
        try {
            JsonStore.Loaded<ChatHistory> loaded = store.load();
            loaded.value().conversations().forEach(c -> conversations.add(ConversationViewModel.fromStored(c)));
            if (loaded.problem() != null) notice.set(loaded.problem());
        } catch (UncheckedIOException e) {
            notice.set(e.getMessage());
        }
        selected.set(conversations.isEmpty() ? null : conversations.getFirst());
    }

    /**
     * Keeps the history in another file from now on: the conversations already in that file join
     * the list (none replaces one here), and all are written there at once. The old file stays as
     * it was.
     *
     * @return how many conversations the new file added
     * @throws UncheckedIOException when the new file cannot be written (the history stays where it was)
     */
    public int moveHistory(JsonStore<ChatHistory> to) {
        awaitSaves();
        JsonStore.Loaded<ChatHistory> there = to.load();
        java.util.Set<String> here = new java.util.HashSet<>();
        conversations.forEach(c -> here.add(c.id()));
        List<ConversationViewModel> added = there.value().conversations().stream()
                .filter(c -> c.id() == null || !here.contains(c.id()))
                .map(ConversationViewModel::fromStored).toList();
        List<ChatHistory.Conversation> all = new java.util.ArrayList<>(snapshot().conversations());
        added.forEach(c -> all.add(c.toStored()));
        to.save(new ChatHistory(all));
        store = to;
        conversations.addAll(added);
        if (there.problem() != null) notice.set(there.problem());
        return added.size();
    }

    /** Writes the history now, on the calling thread: the app is closing and a background save could be cut off. */
    public void saveNow() {
        try {
            saver.awaitIdle(SettingsService.FLUSH_WAIT_MILLIS);
            store.save(snapshot());
        } catch (UncheckedIOException e) {
            LOG.log(System.Logger.Level.WARNING, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The process is ending (SIGTERM): no background save starts any more, and the ones running or waiting are given
     * a little time to finish, so that none is cut off mid-write by the JVM's halt. Any thread.
     */
    public void finishSaves() {
        saver.close();
        awaitSaves();
    }

    /** Waits (a little) for a background save in progress. Any thread. */
    public void awaitSaves() {
        try {
            saver.awaitIdle(SettingsService.FLUSH_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private ChatHistory snapshot() {
        return new ChatHistory(conversations.stream().map(ConversationViewModel::toStored).toList());
    }

    /** Writes the history in the background; a burst of saves writes only the newest. */
    public void save() {
        ChatHistory snapshot = snapshot();
        saver.submit(() -> {
            try {
                store.save(snapshot);
            } catch (UncheckedIOException e) {
                LOG.log(System.Logger.Level.WARNING, e.getMessage());
                executors.ui().execute(() -> notice.set("Chat history not saved: " + e.getMessage()));
            }
        });
    }
}
