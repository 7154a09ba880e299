package tandem.app.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tandem.app.fakes.QueuedExecutor;

class UiBatcherTest {
    @Test
    void manyItemsFromAWorkerQueueOneUiTaskAndArriveInOrder() throws InterruptedException {
        QueuedExecutor ui = new QueuedExecutor();
        List<List<String>> batches = new ArrayList<>();
        UiBatcher<String> batcher = new UiBatcher<>(ui, batches::add);
        Thread worker = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 1000; i++) batcher.offer("t" + i);
        });
        worker.join();

        assertEquals(1, ui.submitted(), "1000 tokens while the UI was busy must queue a single UI task");
        ui.runAll();
        assertEquals(1, batches.size());
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 1000; i++) expected.add("t" + i);
        assertEquals(expected, batches.getFirst());
    }

    @Test
    void afterADrainTheNextItemQueuesANewTask() {
        QueuedExecutor ui = new QueuedExecutor();
        List<List<String>> batches = new ArrayList<>();
        UiBatcher<String> batcher = new UiBatcher<>(ui, batches::add);
        batcher.offer("a");
        batcher.offer("b");
        ui.runAll();
        batcher.offer("c");
        assertEquals(2, ui.submitted());
        ui.runAll();
        assertEquals(List.of(List.of("a", "b"), List.of("c")), batches);
    }

    @Test
    void anExplicitDrainDeliversPendingItemsAndTheQueuedTaskThenDoesNothing() {
        QueuedExecutor ui = new QueuedExecutor();
        List<List<String>> batches = new ArrayList<>();
        UiBatcher<String> batcher = new UiBatcher<>(ui, batches::add);
        batcher.offer("a");
        batcher.drain();
        ui.runAll();
        assertEquals(List.of(List.of("a")), batches);
    }
}
