package tandem.engine.vulkan.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.SharedData;
import tandem.engine.model.ModelConfig;
import tandem.engine.model.ModelConfigReader;
import tandem.engine.model.ModelTensors;
import tandem.engine.vulkan.CommandRecorder;
import tandem.engine.vulkan.GpuBuffer;
import tandem.engine.vulkan.GpuTimeline;
import tandem.engine.vulkan.VulkanTestBase;

/**
 * Device memory comes uninitialised (lavapipe's is plain malloc'd host memory that may hold what
 * the process freed before, e.g. a CPU-backend run), so no kernel of a step may read activation,
 * cache, scratch or readback memory that the sequence has not written: a sequence whose buffers
 * start as NaN must give the logits of one whose buffers start as zero, bit for bit.
 */
class UninitialisedMemoryTest extends VulkanTestBase {
    private static final int CAPACITY = 64;
    private static final int PREFIX = 4;
    private static GgufFile file;
    private static ModelConfig config;
    private static DeviceModel model;

    /** The step under test, run after a prompt of {@value #PREFIX} tokens (its attention reads both steps' cache rows). */
    record Step(int tokens, boolean allLogits) {
        @Override
        public String toString() { return tokens + (tokens == 1 ? " token (decode)" : " tokens") + (allLogits ? ", all logits" : ""); }
    }

    static Stream<Step> steps() {
        // decode; a short prompt (matrix-vector with the norm fused); a prompt batch (norm kernel, multi-token products)
        return Stream.of(new Step(1, false), new Step(5, false), new Step(12, false), new Step(12, true));
    }

    @BeforeAll
    static void upload() {
        file = GgufFile.open(SharedData.data("models/stories260K.gguf"));
        config = ModelConfigReader.read(file);
        model = DeviceModel.upload(device, file, config, ModelTensors.bind(file, config), CAPACITY, n -> {}, () -> false);
    }

    @AfterAll
    static void release() {
        model.close();
        file.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("steps")
    void buffersFilledWithNanBeforeFirstUseGiveTheLogitsOfZeroedOnes(Step step) {
        float[] zeroed = logitsAfterFill(step, 0);
        float[] nan = logitsAfterFill(step, Float.floatToRawIntBits(Float.NaN));
        for (float v : zeroed) assertTrue(Float.isFinite(v), "logits of zeroed buffers are finite");
        assertArrayEquals(zeroed, nan, "logits after " + step + " depend on the buffers' contents before first use");
    }

    private static float[] logitsAfterFill(Step step, int word) {
        try (SequenceBuffers b = new SequenceBuffers(device, config, CAPACITY, 16, VulkanRunner.MAX_LOGIT_ROWS);
             CommandRecorder rec = CommandRecorder.create(device);
             GpuTimeline timeline = new GpuTimeline(device, 4 + config.layers())) {
            rec.begin();
            for (GpuBuffer buffer : buffersOf(b)) rec.fill(buffer.all(), word);
            rec.barrier().end().submitAndWait();
            int[] ids = new int[PREFIX + step.tokens()];
            ids[0] = 1;
            for (int i = 1; i < ids.length; i++) ids[i] = (i * 37 + 11) % config.vocab();
            run(b, rec, timeline, ids, 0, PREFIX, false);
            return run(b, rec, timeline, ids, PREFIX, step.tokens(), step.allLogits());
        }
    }

    private static List<GpuBuffer> buffersOf(SequenceBuffers b) {
        List<GpuBuffer> all = new ArrayList<>(List.of(b.x, b.normed, b.q, b.k, b.v, b.attended, b.gate, b.up, b.logits,
                b.logitsHost, b.attentionPartials));
        all.addAll(b.keys);
        all.addAll(b.values);
        return all;
    }

    /** Records and runs ids[from, from + count) at position {@code from}; the logits rows it returns. */
    private static float[] run(SequenceBuffers b, CommandRecorder rec, GpuTimeline timeline, int[] ids, int from, int count,
                               boolean allLogits) {
        new ForwardRecorder(model, b, timeline, false).record(rec, count, allLogits);
        b.step.write(from, ids, from, count);
        rec.submitAndWait();
        b.logitsHost.invalidate();
        int floats = (allLogits ? count : 1) * config.vocab();
        float[] logits = new float[floats];
        MemorySegment.copy(b.logitsHost.mapped(), ValueLayout.JAVA_FLOAT, 0, logits, 0, floats);
        return logits;
    }
}
