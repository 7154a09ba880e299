package tandem.app.concurrent;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import javafx.application.Platform;

/**
 * The threads view models use. Injected so that unit tests can run everything on the calling
 * thread (or queue the UI work and count it) without a JavaFX toolkit.
 *
 * @param background short engine queries and file IO (devices, inspect, plan, saving JSON)
 * @param engine     one thread that owns loading and generation: sessions are not thread-safe,
 *                   so confining them to one thread needs no locks
 * @param ui         the JavaFX application thread
 */
public record AppExecutors(Executor background, Executor engine, Executor ui) {

    /** Executors for the running app: daemon threads, so a closed window never hangs the JVM. */
    public static AppExecutors forApplication() {
        ExecutorService background = Executors.newCachedThreadPool(daemon("tandem-background"));
        ExecutorService engine = Executors.newSingleThreadExecutor(daemon("tandem-engine"));
        return new AppExecutors(background, engine, Platform::runLater);
    }

    /** Everything on the calling thread: deterministic view-model tests. */
    public static AppExecutors direct() {
        return new AppExecutors(Runnable::run, Runnable::run, Runnable::run);
    }

    private static ThreadFactory daemon(String name) {
        return Thread.ofPlatform().name(name + "-", 0).daemon(true).factory();
    }
}
