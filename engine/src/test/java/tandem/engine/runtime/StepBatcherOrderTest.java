package tandem.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.SharedData;

/**
 * A step lists its sequences in one order whatever order their threads arrived in: the GPU
 * runners record a step per list of sequences and replay it while the list repeats, so an order
 * that followed the threads' arrival made new recordings of the same sequences (on an H100, four
 * streams kept the GPU busy only 43 % of the time).
 */
class StepBatcherOrderTest {
    @Test
    void sequencesKeepOneOrderInEveryStepWhateverOrderTheyArriveIn() throws Exception {
        try (GgufFile file = GgufFile.open(SharedData.data("models/stories260K.gguf"))) {
            RecordingRunner runner = RecordingRunner.cpu(file, 64);
            StepBatcher batcher = new StepBatcher(runner);
            List<ModelRunner.State> states = List.of(runner.newState(64), runner.newState(64), runner.newState(64));
            // each state's first step alone, in this order: the order every later step must list them in
            for (ModelRunner.State s : states) {
                batcher.join();
                batcher.run(s, new int[] {1}, 0, true, null);
                batcher.leave();
            }
            ExecutorService threads = Executors.newFixedThreadPool(states.size());
            try {
                for (int round = 0; round < 6; round++) {
                    // the sessions join first (so each step waits for all three), then hand in their
                    // tokens in a different order each round: the last first, the first last, ...
                    for (int i = 0; i < states.size(); i++) batcher.join();
                    List<Future<?>> running = new ArrayList<>();
                    for (int i = 0; i < states.size(); i++) {
                        ModelRunner.State s = states.get((i + round) % states.size());
                        int position = 1 + round;
                        long delayMillis = 15L * (round % 2 == 0 ? i : states.size() - 1 - i);
                        running.add(threads.submit(() -> {
                            Thread.sleep(delayMillis);
                            try {
                                return batcher.run(s, new int[] {2 + position}, position, true, null);
                            } finally {
                                batcher.leave();
                            }
                        }));
                    }
                    for (Future<?> f : running) f.get();
                }
            } finally {
                threads.shutdownNow();
                states.forEach(ModelRunner.State::close);
            }
            List<List<ModelRunner.State>> shared = runner.states().stream().filter(step -> step.size() > 1).toList();
            assertEquals(6, shared.size(), "every round is one shared step of all three: " + runner.steps().size() + " steps");
            for (List<ModelRunner.State> step : shared) assertEquals(states, step);
        }
    }
}
