package tandem.app.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.app.chat.ChatHistory;
import tandem.app.settings.AppSettings;

/**
 * A process saving the chat history and settings is killed with SIGKILL at random moments, like a
 * laptop losing power mid-save. After every kill both files must parse without being set aside,
 * and every conversation the writer reported saved before it died must be there.
 *
 * <p>30 kills in CI; {@code -Dtandem.reliability.full=true} runs 100.
 */
class KilledWritesTest {
    private static final int KILLS = Boolean.getBoolean("tandem.reliability.full") ? 100 : 30;

    @TempDir Path dir;

    @Test
    void sigkillAtRandomPointsLosesNoSavedConversation() throws Exception {
        Random random = new Random(18);
        int lastSaved = 0;
        for (int kill = 0; kill < KILLS; kill++) {
            int acknowledged = runAndKill(random.nextInt(150));
            lastSaved = Math.max(lastSaved, acknowledged);

            JsonStore.Loaded<ChatHistory> history = ChatHistory.store(dir.resolve("history.json")).load();
            assertNull(history.problem(), "kill " + kill + ": " + history.problem());
            List<ChatHistory.Conversation> kept = history.value().conversations();
            assertTrue(!kept.isEmpty(), "kill " + kill + ": history empty after " + lastSaved + " saves");
            int newest = KilledWriter.number(kept.getLast());
            assertTrue(newest >= lastSaved, "kill " + kill + ": saved " + lastSaved + " but the file ends at " + newest);
            for (int i = 0; i < kept.size(); i++) {
                // Consecutive and whole: a torn write would show as a gap or a short message.
                assertEquals(KilledWriter.conversation(newest - kept.size() + 1 + i), kept.get(i), "kill " + kill);
            }
            lastSaved = newest;

            JsonStore.Loaded<AppSettings> settings = new JsonStore<>(dir.resolve("settings.json"), AppSettings.class,
                    AppSettings::defaults, "settings").load();
            assertNull(settings.problem(), "kill " + kill + ": " + settings.problem());
        }
        // Loading removed the temporary files the killed writers left; no set-aside copies either.
        assertEquals(List.of("history.json", "settings.json"), SaveChecks.fileNames(dir));
        System.out.println("KilledWritesTest: " + KILLS + " kills, " + lastSaved + " conversations saved, 0 lost, 0 unreadable files");
    }

    /** Starts a writer, waits for its first save plus {@code extraMillis}, kills it; returns the last save it reported. */
    private int runAndKill(int extraMillis) throws IOException, InterruptedException {
        Process child = new ProcessBuilder(ChildJvm.command(KilledWriter.class, dir.toString()))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        AtomicInteger saved = new AtomicInteger();
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.startsWith("saved ")) saved.set(Integer.parseInt(line.substring(6)));
                }
            } catch (IOException e) {
                // The pipe breaks when the child dies; what was read is what counts.
            }
        });
        try {
            int before = saved.get();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (saved.get() == before && child.isAlive() && System.nanoTime() < deadline) Thread.sleep(5);
            assertTrue(saved.get() > before, "the writer saved nothing in 30 s (alive: " + child.isAlive() + ")");
            Thread.sleep(extraMillis);
            int acknowledged = saved.get(); // read before the kill: these saves had returned
            child.destroyForcibly(); // SIGKILL on Linux
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the killed writer did not end");
            return acknowledged;
        } finally {
            child.destroyForcibly();
            reader.join(5000);
        }
    }
}
