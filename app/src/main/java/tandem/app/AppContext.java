package tandem.app;

import java.nio.file.Files;
import java.nio.file.Path;
import tandem.app.chat.ChatHistory;
import tandem.app.chat.ChatViewModel;
import tandem.app.concurrent.AppExecutors;
import tandem.app.devices.DevicesViewModel;
import tandem.app.engine.EngineService;
import tandem.app.model.ModelViewModel;
import tandem.app.monitor.MonitorViewModel;
import tandem.app.preferences.PreferencesViewModel;
import tandem.app.settings.SettingsService;
import tandem.app.shell.ShellViewModel;
import tandem.app.remote.RemoteViewModel;
import tandem.app.server.ServerViewModel;
import tandem.app.split.MeasureViewModel;
import tandem.app.split.SplitViewModel;
import tandem.app.store.JsonStore;

/** Builds the view models, wires them together, and starts the app's first work. */
public final class AppContext {
    private final AppPaths paths;
    private final SettingsService settings;
    private final DevicesViewModel devices;
    private final ModelViewModel model;
    private final SplitViewModel split;
    private final MeasureViewModel measure;
    private final ChatViewModel chat;
    private final MonitorViewModel monitor;
    private final ShellViewModel shell;
    private final PreferencesViewModel preferences;
    private final ServerViewModel server;
    private final RemoteViewModel remote;

    public AppContext(AppPaths paths, EngineService engine, AppExecutors executors) {
        this.paths = paths;
        this.settings = new SettingsService(paths.settingsFile(), executors.background());
        this.devices = new DevicesViewModel(engine, executors);
        this.model = new ModelViewModel(engine, executors, settings);
        this.split = new SplitViewModel(engine, executors, devices, model.modelPathProperty(), settings);
        this.measure = new MeasureViewModel(engine, executors, split, model);
        Path historyFolder = PreferencesViewModel.historyFolder(paths, settings.current().preferences());
        JsonStore<ChatHistory> history = ChatHistory.store(historyFolder.resolve(paths.historyFile().getFileName()));
        this.chat = new ChatViewModel(executors, model.loadedProperty(), history, settings);
        this.monitor = new MonitorViewModel(executors, model.loadedProperty(), chat.generatingProperty(), System.nanoTime());
        this.shell = new ShellViewModel(settings);
        this.preferences = new PreferencesViewModel(settings, paths, shell.themeProperty(), chat);
        this.server = new ServerViewModel(executors, model.loadedProperty());
        this.remote = new RemoteViewModel(executors);
        chat.remoteProperty().bind(remote.activeProperty());
    }

    /**
     * Lists the devices, opens the demo model and loads it on the best device (or the split
     * saved for it) as soon as the devices are known.
     */
    public void startUp() {
        devices.discoveredProperty().addListener((obs, was, now) -> {
            if (now && model.loadedProperty().get() == null && !model.loadingProperty().get() && model.modelPathProperty().get() != null) {
                model.load(split.options());
            }
        });
        Path demo = paths.demoModel();
        if (Files.isRegularFile(demo)) {
            model.open(demo);
        } else {
            chat.showNotice("The demo model is missing (" + demo + "): open a .gguf model on the Model screen.");
        }
        devices.refresh();
    }

    /** Window closing: stop generating, write history and settings now, free the model. */
    public void shutdown() {
        chat.stop();
        server.stop();
        remote.disconnect();
        monitor.shutdown();
        chat.saveNow();
        settings.flush();
        model.unload();
    }

    /** The process is ending without the window closing (SIGTERM): lets running saves finish, writes the settings. */
    public void finishSaves() {
        chat.finishSaves();
        settings.flushPending();
    }

    public AppPaths paths() { return paths; }
    public SettingsService settings() { return settings; }
    public DevicesViewModel devices() { return devices; }
    public ModelViewModel model() { return model; }
    public SplitViewModel split() { return split; }
    public MeasureViewModel measure() { return measure; }
    public ChatViewModel chat() { return chat; }
    public MonitorViewModel monitor() { return monitor; }
    public ShellViewModel shell() { return shell; }
    public PreferencesViewModel preferences() { return preferences; }
    public ServerViewModel server() { return server; }
    public RemoteViewModel remote() { return remote; }
}
