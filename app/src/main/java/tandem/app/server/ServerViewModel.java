package tandem.app.server;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Optional;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import tandem.app.concurrent.AppExecutors;
import tandem.app.engine.UserMessages;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.RunningServer;
import tandem.engine.api.ServedRequest;
import tandem.engine.api.ServerOptions;
import tandem.engine.server.HttpApi;

/**
 * The Server switch: serves the model the chat window has loaded through the engine's
 * OpenAI-compatible server, on loopback, with an optional API key, and keeps a log of the
 * requests it answered. A reload serves the new model on the same port; an unload stops serving.
 * UI thread, except where noted.
 */
public final class ServerViewModel {
    /** The log keeps the newest requests only. */
    static final int LOG_LIMIT = 500;

    private final AppExecutors executors;
    private final ReadOnlyObjectProperty<LoadedModel> model;
    private final IntegerProperty port = new SimpleIntegerProperty(this, "port", ServerOptions.DEFAULT_PORT);
    private final StringProperty apiKey = new SimpleStringProperty(this, "apiKey", "");
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(this, "running", false);
    private final ReadOnlyStringWrapper baseUrl = new ReadOnlyStringWrapper(this, "baseUrl", "");
    private final ReadOnlyStringWrapper servedModel = new ReadOnlyStringWrapper(this, "servedModel", "");
    private final ReadOnlyStringWrapper problem = new ReadOnlyStringWrapper(this, "problem", "");
    private final ObservableList<ServedRequest> log = FXCollections.observableArrayList();
    private final BooleanBinding canStart;
    private RunningServer server;

    public ServerViewModel(AppExecutors executors, ReadOnlyObjectProperty<LoadedModel> model) {
        this.executors = executors;
        this.model = model;
        this.canStart = Bindings.createBooleanBinding(() -> model.get() != null && !running.get(), model, running);
        model.addListener((obs, old, now) -> modelChanged(now));
    }

    /** 0: any free port. */
    public IntegerProperty portProperty() { return port; }

    /** Empty: no key is asked for (only this machine can connect). */
    public StringProperty apiKeyProperty() { return apiKey; }

    public ReadOnlyBooleanProperty runningProperty() { return running.getReadOnlyProperty(); }

    /** What OpenAI clients take as base URL, e.g. http://127.0.0.1:8080/v1; empty while stopped. */
    public ReadOnlyStringProperty baseUrlProperty() { return baseUrl.getReadOnlyProperty(); }

    /** The model name clients ask for; empty while stopped. */
    public ReadOnlyStringProperty servedModelProperty() { return servedModel.getReadOnlyProperty(); }

    /** Why serving could not start or stopped; empty otherwise. */
    public ReadOnlyStringProperty problemProperty() { return problem.getReadOnlyProperty(); }

    /** The answered requests, newest first. */
    public ObservableList<ServedRequest> log() { return log; }

    public BooleanBinding canStartProperty() { return canStart; }

    /** Starts serving the loaded model (binding is quick, so it happens here). */
    public void start() {
        if (!canStart.get()) return;
        problem.set("");
        try {
            serve(model.get(), port.get());
        } catch (RuntimeException e) {
            problem.set(UserMessages.describe(e));
        }
    }

    /** Stops listening and ends the requests in flight; the port is free when this returns. */
    public void stop() {
        if (server != null) server.close();
        server = null;
        running.set(false);
        baseUrl.set("");
        servedModel.set("");
    }

    private void serve(LoadedModel m, int onPort) {
        ServerOptions options = new ServerOptions(ServerOptions.DEFAULT_HOST, onPort, Optional.of(apiKey.get().strip()), 1,
                ServerOptions.DEFAULT_MAX_BODY_BYTES, ServerOptions.modelIdFor(m.info().path()));
        server = HttpApi.serve(m, options, new PrintStream(OutputStream.nullOutputStream()),
                request -> executors.ui().execute(() -> logged(request)));
        running.set(true);
        baseUrl.set(server.baseUrl().toString());
        servedModel.set(options.modelId());
    }

    private void logged(ServedRequest request) {
        log.addFirst(request);
        if (log.size() > LOG_LIMIT) log.remove(LOG_LIMIT, log.size());
    }

    /**
     * The old model is closed right after this: the server lets go of it first (here, on the UI
     * thread, before the close is queued), then serves the new one on the same port.
     */
    private void modelChanged(LoadedModel now) {
        if (server == null) return;
        int listening = server.port();
        stop();
        if (now == null) {
            problem.set("Serving stopped: the model was unloaded.");
            return;
        }
        try {
            serve(now, listening);
        } catch (RuntimeException e) {
            problem.set("Serving stopped: " + UserMessages.describe(e));
        }
    }
}
