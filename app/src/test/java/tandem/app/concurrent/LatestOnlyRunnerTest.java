package tandem.app.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import tandem.app.fakes.QueuedExecutor;

class LatestOnlyRunnerTest {
    @Test
    void aBurstOfRequestsRunsOnlyTheNewest() {
        QueuedExecutor executor = new QueuedExecutor();
        LatestOnlyRunner runner = new LatestOnlyRunner(executor);
        List<Integer> ran = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            int n = i;
            runner.submit(() -> ran.add(n));
        }
        executor.runAll();
        assertEquals(List.of(49), ran);
        assertEquals(1, executor.submitted());
    }

    @Test
    void afterCloseTheRunningAndWaitingTasksFinishAndNoOtherStarts() {
        QueuedExecutor executor = new QueuedExecutor();
        LatestOnlyRunner runner = new LatestOnlyRunner(executor);
        List<String> ran = new ArrayList<>();
        runner.submit(() -> {
            ran.add("running");
            runner.submit(() -> ran.add("waiting"));
            runner.close();
            runner.submit(() -> ran.add("after close"));
        });
        executor.runAll();
        runner.submit(() -> ran.add("later"));
        executor.runAll();
        assertEquals(List.of("running", "waiting"), ran);
    }

    @Test
    void aRequestDuringARunRunsAfterIt() {
        QueuedExecutor executor = new QueuedExecutor();
        LatestOnlyRunner runner = new LatestOnlyRunner(executor);
        List<String> ran = new ArrayList<>();
        runner.submit(() -> {
            ran.add("first");
            runner.submit(() -> ran.add("second"));
        });
        executor.runAll();
        assertEquals(List.of("first", "second"), ran);
    }

    @Test
    void awaitIdleReturnsOnceTheRunningTaskFinished() throws InterruptedException {
        LatestOnlyRunner runner = new LatestOnlyRunner(task -> Thread.ofPlatform().start(task));
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
        runner.submit(() -> {
            started.countDown();
            awaitQuietly(release);
            ran.add("slow save");
        });
        started.await();
        assertFalse(runner.awaitIdle(50), "still running");
        release.countDown();
        assertTrue(runner.awaitIdle(10_000));
        assertEquals(List.of("slow save"), ran);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
