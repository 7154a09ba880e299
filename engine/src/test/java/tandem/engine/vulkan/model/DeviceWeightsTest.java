package tandem.engine.vulkan.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tandem.engine.api.TandemException;
import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.SharedData;
import tandem.engine.model.ModelConfig;
import tandem.engine.model.ModelConfigReader;
import tandem.engine.model.ModelTensors;
import tandem.engine.model.TensorLayout;
import tandem.engine.model.TensorSlice;
import tandem.engine.model.WeightShare;
import tandem.engine.vulkan.VulkanTestBase;

/**
 * The one uploader: every buffer it makes has one owner, which frees them all, and a load that
 * fails part way through a block frees what it had made; a device holds only the blocks and the
 * ends of the model its share gives it.
 */
class DeviceWeightsTest extends VulkanTestBase {
    private static final int POSITIONS = 32;
    private static GgufFile file;
    private static ModelConfig config;
    private static ModelTensors tensors;

    @BeforeAll
    static void open() {
        file = GgufFile.open(SharedData.data("models/stories260K.gguf"));
        config = ModelConfigReader.read(file);
        tensors = ModelTensors.bind(file, config);
    }

    @AfterAll
    static void release() {
        file.close();
    }

    private static DeviceWeights upload(WeightShare share, BooleanSupplier cancelled) {
        return DeviceWeights.upload(device, file, config, tensors, share, POSITIONS, n -> {}, cancelled);
    }

    @Test
    void theWholeModelIsFreedByItsOwner() {
        int before = device.liveResources();
        try (DeviceWeights w = upload(WeightShare.whole(tensors), () -> false)) {
            assertTrue(device.liveResources() > before, "the weights are on the device");
            assertEquals(config.tiedOutput(), w.output() == w.embedding(), "a tied head is the embedding itself");
            assertNotNull(w.layer(config.layers() - 1).attnNorm());
        }
        assertEquals(before, device.liveResources());
    }

    @Test
    void aLoadThatFailsInsideABlockFreesWhatItMade() {
        int before = device.liveResources();
        String failing = tensors.layers().get(1).attnV().name();
        WeightShare noV = new Share(0, config.layers(), name -> !name.equals(failing));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> upload(noV, () -> false));
        assertTrue(e.getMessage().contains(failing), e.getMessage());
        assertEquals(before, device.liveResources());
    }

    @Test
    void aCancelledLoadFreesWhatItMade() {
        int before = device.liveResources();
        int[] asked = {0};
        assertThrows(TandemException.class, () -> upload(WeightShare.whole(tensors), () -> ++asked[0] > 1));
        assertEquals(before, device.liveResources());
    }

    @Test
    void aDeviceHoldsOnlyItsBlocksAndEnds() {
        int before = device.liveResources();
        int last = config.layers() - 1;
        // the middle of a layer split: no token lookup, no head
        try (DeviceWeights w = upload(new Share(1, last, name -> !name.startsWith("output")), () -> false)) {
            assertNull(w.embedding());
            assertNull(w.output());
            assertNull(w.outputNorm());
            assertNotNull(w.layer(1).q());
            assertThrows(IndexOutOfBoundsException.class, () -> w.layer(last));
        }
        assertEquals(before, device.liveResources());
        // the last device of a layer split: the head, and for a tied model a whole copy of the embedding for it
        try (DeviceWeights w = upload(new Share(last, config.layers(), name -> true), () -> false)) {
            assertNull(w.embedding());
            assertNotNull(w.output());
            assertNotNull(w.outputNorm());
            assertEquals(config.vocab(), w.output().rows());
        }
        assertEquals(before, device.liveResources());
    }

    /**
     * The whole model's slices of blocks [firstLayer, endLayer), less the tensors {@code held} turns
     * down; the head goes with output.weight.
     */
    private record Share(int firstLayer, int endLayer, Predicate<String> held) implements WeightShare {
        @Override
        public TensorSlice sliceOf(TensorLayout tensor) {
            return held.test(tensor.name()) ? TensorSlice.whole(tensor) : new TensorSlice(tensor, false, 0, 0);
        }

        @Override
        public TensorSlice outputProjection() {
            TensorSlice all = WeightShare.whole(tensors).outputProjection();
            return held.test("output.weight") ? all : new TensorSlice(all.tensor(), false, 0, 0);
        }
    }
}
