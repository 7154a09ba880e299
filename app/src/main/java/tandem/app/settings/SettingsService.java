package tandem.app.settings;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import tandem.app.concurrent.LatestOnlyRunner;
import tandem.app.store.JsonStore;

/**
 * The current settings, changed on the UI thread and saved in the background (only the newest
 * version is written when changes come in bursts, e.g. while a split divider is dragged).
 */
public final class SettingsService {
    private static final System.Logger LOG = System.getLogger(SettingsService.class.getName());

    /** How long closing waits for a background save to finish before writing the final state. */
    public static final long FLUSH_WAIT_MILLIS = 2000;

    private final JsonStore<AppSettings> store;
    private final LatestOnlyRunner saver;
    private final String loadProblem;
    private volatile AppSettings current;
    /** The settings the file holds, as far as this process knows. */
    private volatile AppSettings saved;

    /** Where failed background saves are reported (one line each); logged only until someone listens. */
    private volatile Consumer<String> saveProblems = message -> {};

    public SettingsService(Path file, Executor io) {
        this(store(file), io);
    }

    /** Settings kept in {@code store} (see {@link #store}). */
    public SettingsService(JsonStore<AppSettings> store, Executor io) {
        this.store = store;
        this.saver = new LatestOnlyRunner(io);
        JsonStore.Loaded<AppSettings> loaded = store.load();
        this.current = loaded.value();
        this.saved = current;
        this.loadProblem = loaded.problem();
    }

    /** The store of the settings file at {@code file}. */
    public static JsonStore<AppSettings> store(Path file) {
        return new JsonStore<>(file, AppSettings.class, AppSettings::defaults, "settings");
    }

    public AppSettings current() { return current; }

    /**
     * Tells {@code listener} (on the saving thread) why a background save failed, as one line, so
     * that the user sees it: the change is kept in memory and the previous file stays as it was.
     */
    public void onSaveProblem(Consumer<String> listener) { saveProblems = listener; }

    /** A message for the user when the settings file was unreadable and set aside, else null. */
    public String loadProblem() { return loadProblem; }

    /** Writes the current settings now, on the calling thread, after any background save: the app is closing. */
    public void flush() {
        try {
            saver.awaitIdle(FLUSH_WAIT_MILLIS);
            AppSettings now = current;
            store.save(now);
            saved = now;
        } catch (UncheckedIOException e) {
            LOG.log(System.Logger.Level.WARNING, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Lets a save in progress finish and writes only what is not saved yet: the process is ending
     * (SIGTERM) and should end quickly, without a half-written file.
     */
    public void flushPending() {
        try {
            // no background save may start after this (the UI thread still runs while the JVM exits)
            saver.close();
            saver.awaitIdle(FLUSH_WAIT_MILLIS);
            if (saved != current) flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public void update(UnaryOperator<AppSettings> change) {
        AppSettings next = change.apply(current);
        current = next;
        saver.submit(() -> {
            try {
                store.save(next);
                saved = next;
            } catch (UncheckedIOException e) {
                // Settings are a convenience: a failed save must not interrupt the user's work, only tell them.
                LOG.log(System.Logger.Level.WARNING, e.getMessage());
                saveProblems.accept(e.getMessage());
            }
        });
    }
}
