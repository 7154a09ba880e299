package tandem.app.remote;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import tandem.app.concurrent.AppExecutors;
import tandem.app.engine.RemoteChat;
import tandem.app.engine.UserMessages;
import tandem.engine.api.ChatMessage;
import tandem.engine.api.GenerationResult;
import tandem.engine.api.RemoteModel;
import tandem.engine.api.SamplingParams;
import tandem.engine.api.TokenListener;
import tandem.engine.server.HttpApi;

/**
 * A remote engine: any OpenAI-compatible server (vLLM, llama.cpp's server, another Tandem) that
 * the chat answers from instead of the loaded model, through the engine's {@link RemoteModel}.
 * Connect lists its models; Use makes the chosen one the chat's engine; the answer's speed and
 * time to first token are measured on this side for the Monitor.
 */
public final class RemoteViewModel {
    /** The Monitor's live figures are refreshed at most this often while an answer streams. */
    private static final long SPEED_UPDATE_NANOS = 100_000_000;

    private final AppExecutors executors;
    private final StringProperty url = new SimpleStringProperty(this, "url", "http://127.0.0.1:8080/v1");
    private final StringProperty apiKey = new SimpleStringProperty(this, "apiKey", "");
    private final ObservableList<String> models = FXCollections.observableArrayList();
    private final ObjectProperty<String> chosenModel = new SimpleObjectProperty<>(this, "chosenModel");
    private final ReadOnlyBooleanWrapper connecting = new ReadOnlyBooleanWrapper(this, "connecting", false);
    private final ReadOnlyStringWrapper problem = new ReadOnlyStringWrapper(this, "problem", "");
    private final ReadOnlyObjectWrapper<RemoteChat> active = new ReadOnlyObjectWrapper<>(this, "active");
    private final ReadOnlyObjectWrapper<RemoteSpeed> speed = new ReadOnlyObjectWrapper<>(this, "speed");
    private final BooleanBinding canUse;

    public RemoteViewModel(AppExecutors executors) {
        this.executors = executors;
        this.canUse = Bindings.createBooleanBinding(() -> chosenModel.get() != null && !connecting.get(), chosenModel, connecting);
        // a list from another server (or key) must not be used with this one
        url.addListener((obs, old, now) -> forgetModels());
        apiKey.addListener((obs, old, now) -> forgetModels());
    }

    /** The API's base, e.g. http://host:8000/v1. */
    public StringProperty urlProperty() { return url; }

    public StringProperty apiKeyProperty() { return apiKey; }

    /** What the server listed at /v1/models on the last Connect. */
    public ObservableList<String> models() { return models; }

    public ObjectProperty<String> chosenModelProperty() { return chosenModel; }

    public ReadOnlyBooleanProperty connectingProperty() { return connecting.getReadOnlyProperty(); }

    public ReadOnlyStringProperty problemProperty() { return problem.getReadOnlyProperty(); }

    /** The remote engine the chat answers from; null: the loaded model answers. */
    public ReadOnlyObjectProperty<RemoteChat> activeProperty() { return active.getReadOnlyProperty(); }

    /** The latest (or running) remote answer's speed measured here; null before the first. */
    public ReadOnlyObjectProperty<RemoteSpeed> speedProperty() { return speed.getReadOnlyProperty(); }

    public BooleanBinding canUseProperty() { return canUse; }

    /** Asks the server for its models (in the background), checking the address and key on the way. */
    public void connect() {
        String base = url.get().strip();
        Optional<String> key = Optional.of(apiKey.get().strip());
        connecting.set(true);
        problem.set("");
        executors.background().execute(() -> {
            List<String> listed = List.of();
            String failure = "";
            try {
                listed = HttpApi.connect(base, key, Optional.of("")).models();
                if (listed.isEmpty()) failure = "The server at " + base + " lists no model.";
            } catch (RuntimeException e) {
                failure = UserMessages.describe(e);
            }
            List<String> found = listed;
            String why = failure;
            executors.ui().execute(() -> {
                connecting.set(false);
                problem.set(why);
                models.setAll(found);
                chosenModel.set(found.isEmpty() ? null : found.getFirst());
            });
        });
    }

    /** Makes the chosen model of this server the chat's engine. */
    public void use() {
        if (!canUse.get()) return;
        try {
            active.set(new Remote(HttpApi.connect(url.get().strip(), Optional.of(apiKey.get().strip()), Optional.of(chosenModel.get()))));
            problem.set("");
        } catch (RuntimeException e) {
            problem.set(UserMessages.describe(e));
        }
    }

    /**
     * The window header's model line: the remote engine while it answers the chat (the local model
     * stays loaded beside it), else the local model's status unchanged.
     */
    public String headerStatus(String localStatus) {
        RemoteChat remote = active.get();
        if (remote == null) return localStatus;
        return "remote: " + remote.describe() + (localStatus.isBlank() ? "" : " (local: " + localStatus + ")");
    }

    /** Back to the loaded model. */
    public void disconnect() {
        RemoteChat running = active.get();
        active.set(null);
        if (running != null) running.cancel();
    }

    private void forgetModels() {
        models.clear();
        chosenModel.set(null);
    }

    /** The engine's remote client, with this side's speed measurement. */
    private final class Remote implements RemoteChat {
        private final RemoteModel engine;

        Remote(RemoteModel engine) { this.engine = engine; }

        @Override
        public GenerationResult chat(List<ChatMessage> conversation, SamplingParams params, TokenListener listener) {
            AtomicLong lastUpdate = new AtomicLong(-SPEED_UPDATE_NANOS);
            long[] first = {0};
            executors.ui().execute(() -> speed.set(new RemoteSpeed(0, 0, 0, true)));
            GenerationResult result = null;
            try {
                result = engine.chat(conversation, params, event -> {
                    listener.onToken(event);
                    // event.nanos(): since the request was sent, measured by the remote client on this side
                    if (event.index() == 0) first[0] = event.nanos();
                    if (event.nanos() - lastUpdate.get() < SPEED_UPDATE_NANOS) return;
                    lastUpdate.set(event.nanos());
                    double seconds = (event.nanos() - first[0]) / 1e9;
                    RemoteSpeed live = new RemoteSpeed(event.index() + 1, seconds > 0 ? event.index() / seconds : 0,
                            first[0] / 1e6, true);
                    executors.ui().execute(() -> speed.set(live));
                });
                return result;
            } finally {
                GenerationResult done = result;
                executors.ui().execute(() -> speed.set(done == null ? null : new RemoteSpeed(done.generatedTokens(),
                        done.tokensPerSecond(), done.timeToFirstTokenMillis(), false)));
            }
        }

        @Override
        public void cancel() { engine.cancel(); }

        @Override
        public String describe() { return engine.model() + " at " + engine.url(); }
    }
}
