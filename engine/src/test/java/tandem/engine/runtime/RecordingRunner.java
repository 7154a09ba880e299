package tandem.engine.runtime;

import java.util.ArrayList;
import java.util.List;
import tandem.engine.api.Backend;
import tandem.engine.api.DeviceMetrics;
import tandem.engine.api.LoadProgress;
import tandem.engine.cpu.CpuRunner;
import tandem.engine.gguf.GgufFile;
import tandem.engine.model.ModelConfig;
import tandem.engine.model.ModelConfigReader;
import tandem.engine.model.ModelTensors;

/**
 * The CPU runner with a prefill chunk of the test's choice (the GPU runners' 512, say), noting the
 * parts of every step it is given: what the step batcher's tests read back.
 */
record RecordingRunner(ModelRunner runner, int prefillChunk, List<List<BatchPart>> steps) implements ModelRunner {
    /** The CPU runner of {@code file}. */
    static RecordingRunner cpu(GgufFile file, int prefillChunk) {
        ModelConfig config = ModelConfigReader.read(file);
        return new RecordingRunner(CpuRunner.load(file, config, ModelTensors.bind(file, config), LoadProgress.NONE, () -> false),
                prefillChunk, new ArrayList<>());
    }

    /** Each step's states, in the order the step listed them. */
    List<List<State>> states() {
        synchronized (steps) {
            return steps.stream().map(step -> step.stream().map(BatchPart::state).toList()).toList();
        }
    }

    /** Every part's token count, step after step. */
    List<Integer> partSizes() {
        synchronized (steps) {
            return steps.stream().flatMap(step -> step.stream().map(p -> p.tokens().length)).toList();
        }
    }

    void forget() {
        synchronized (steps) {
            steps.clear();
        }
    }

    @Override public ModelConfig config() { return runner.config(); }

    @Override public Backend backend() { return runner.backend(); }

    @Override public State newState(int contextLength) { return runner.newState(contextLength); }

    @Override
    public List<float[]> forwardBatch(List<BatchPart> parts) {
        synchronized (steps) {
            steps.add(List.copyOf(parts));
        }
        return runner.forwardBatch(parts);
    }

    @Override
    public List<DeviceMetrics> deviceMetrics(long windowNanos, long forwardNanos, long tokens) {
        return runner.deviceMetrics(windowNanos, forwardNanos, tokens);
    }

    @Override public void close() { runner.close(); }
}
