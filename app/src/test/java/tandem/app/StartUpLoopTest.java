package tandem.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts the real app ({@link Launcher}, JavaFX's headless platform, the bundled demo model) many
 * times in child JVMs: every start must open its window and load the model. Start-up used to
 * hang about one time in ten (glibc's loader deadlocked between LWJGL loading the Vulkan loader
 * on a background thread and JavaFX loading its font library), so twenty starts catch it with
 * high probability. Each child is then ended with SIGTERM, as a desktop session ends it, and must
 * exit and leave no temporary files in its data folder.
 */
class StartUpLoopTest {
    /** Overridable for a longer hunt: {@code -Dtandem.startupLaunches=100}. */
    private static final int LAUNCHES = Integer.getInteger("tandem.startupLaunches", 20);
    /** CI's time for the loop: starts stop when it is spent, but never before {@link #MIN_LAUNCHES}. */
    private static final long BUDGET_SECONDS = Long.getLong("tandem.startupSeconds", 180);
    private static final int MIN_LAUNCHES = 5;
    /** A start takes a few seconds; a loaded CI machine may take ten times that. A hang takes forever. */
    private static final long READY_SECONDS = 90;
    private static final long EXIT_SECONDS = 30;

    @TempDir Path scratch;

    @Test
    void everyStartOpensTheWindowAndLoadsTheDemoModel() throws Exception {
        AppPaths paths = AppPaths.fromEnvironment();
        assertTrue(Files.isRegularFile(paths.demoModel()), "the demo model is needed: " + paths.demoModel());
        long deadline = System.nanoTime() + BUDGET_SECONDS * 1_000_000_000L;
        int launch = 1;
        for (; launch <= LAUNCHES && (launch <= MIN_LAUNCHES || System.nanoTime() < deadline); launch++) {
            Path data = Files.createDirectories(scratch.resolve("data-" + launch));
            startAndStop(launch, paths.home(), data);
        }
        System.err.println("start-up loop: " + (launch - 1) + " starts, every one ready");
    }

    private static void startAndStop(int launch, Path home, Path data) throws Exception {
        String where = "start " + launch + " of " + LAUNCHES;
        Process child = new ProcessBuilder(command(home, data)).redirectErrorStream(true).start();
        Output output = new Output(child);
        try {
            output.ready.get(READY_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            String threads = threadDump(child);
            child.destroyForcibly().waitFor(EXIT_SECONDS, TimeUnit.SECONDS);
            fail(where + ": not ready after " + READY_SECONDS + " s (start-up hang). Output:\n" + output.text()
                    + "\nThreads:\n" + threads);
        } catch (java.util.concurrent.ExecutionException e) {
            fail(where + ": the app ended before it was ready, status " + child.waitFor() + ". Output:\n" + output.text());
        }
        child.destroy(); // SIGTERM
        if (!child.waitFor(EXIT_SECONDS, TimeUnit.SECONDS)) {
            String threads = threadDump(child);
            child.destroyForcibly().waitFor(EXIT_SECONDS, TimeUnit.SECONDS);
            fail(where + ": SIGTERM did not end the app within " + EXIT_SECONDS + " s. Threads:\n" + threads);
        }
        output.finished.get(EXIT_SECONDS, TimeUnit.SECONDS);
        assertTrue(output.text().contains("window open"), where + ": " + output.text());
        assertEquals(List.of(), leftovers(data), where + ": temporary files left in the data folder");
    }

    /** The app as {@code ./tandem --screenshot} starts it: JavaFX's headless platform, software rendering. */
    private static List<String> command(Path home, Path data) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (flag.startsWith("--enable-native-access") || flag.startsWith("--add-modules") || flag.startsWith("-Dorg.lwjgl")) {
                command.add(flag);
            }
        }
        command.addAll(List.of("-Dglass.platform=Headless", "-Dprism.order=sw",
                "-D" + AppPaths.HOME_PROPERTY + "=" + home, "-D" + AppPaths.DATA_PROPERTY + "=" + data,
                "-cp", System.getProperty("java.class.path"), Launcher.class.getName()));
        return command;
    }

    private static List<Path> leftovers(Path data) throws IOException {
        try (Stream<Path> files = Files.list(data)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    private static String threadDump(Process child) {
        Path jstack = Path.of(System.getProperty("java.home"), "bin", "jstack");
        try {
            Process dump = new ProcessBuilder(jstack.toString(), Long.toString(child.pid())).redirectErrorStream(true).start();
            if (!dump.waitFor(30, TimeUnit.SECONDS)) {
                dump.destroyForcibly();
                return "(jstack did not answer: the JVM itself is stuck)";
            }
            return new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no thread dump: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }

    /** Reads the child's output on a thread; {@link #ready} completes at the app's "ready" line. */
    private static final class Output {
        private final StringBuilder text = new StringBuilder();
        final CompletableFuture<Void> ready = new CompletableFuture<>();
        final CompletableFuture<Void> finished = new CompletableFuture<>();

        Output(Process child) {
            Thread.ofPlatform().daemon(true).name("start-up-loop-reader").start(() -> read(child));
        }

        private void read(Process child) {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    synchronized (text) { text.append(line).append('\n'); }
                    if (line.startsWith("tandem: ") && line.contains(" loaded on ") && line.contains(", ready ")) ready.complete(null);
                }
            } catch (IOException e) {
                synchronized (text) { text.append("(output unreadable: ").append(e.getMessage()).append(")\n"); }
            }
            ready.completeExceptionally(new IllegalStateException("output ended"));
            finished.complete(null);
        }

        String text() {
            synchronized (text) { return text.toString(); }
        }
    }
}
