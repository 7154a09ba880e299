package tandem.app.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
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
}
