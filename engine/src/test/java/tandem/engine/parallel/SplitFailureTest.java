package tandem.engine.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tandem.engine.gguf.SharedData;
import tandem.engine.Engine;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadProgress;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.Session;
import tandem.engine.api.SplitMode;
import tandem.engine.api.TandemException;
import tandem.engine.vulkan.WithoutValidationLayer;

/**
 * A device failing while a split step is being queued (as a lost GPU's vkQueueSubmit does): the
 * step ends on every device with one message, the session refuses further steps instead of
 * hanging on the spent semaphores, and the model loads again and computes what it did before.
 */
@ExtendWith(WithoutValidationLayer.class)
class SplitFailureTest {
    private static final int CONTEXT = 64;

    @ParameterizedTest(name = "{0} split, device {1} fails at segment {2}, groups of {3}")
    @CsvSource({"TENSOR, 1, 0, 16", "TENSOR, 1, 4, 4", "TENSOR, 0, 8, 4", "TENSOR, 2, 4, 2", "LAYER, 1, 0, 16"})
    @Timeout(30) // a device left waiting on a spent semaphore would hang until the 60 s fence timeout
    void aDeviceFailingMidStepEndsItCleanlyAndTheModelLoadsAgain(SplitMode mode, int failing, int segment, int group) {
        Path model = SharedData.data("models/stories260K.gguf");
        GreedyLogits reference = GreedyLogits.oneDevice(model, "Once upon a time", 3, CONTEXT);
        List<Integer> devices = failing == 2 ? List.of(0, 0, 0) : List.of(0, 0);
        EngineOptions options = GreedyLogits.vulkan(devices, List.of(), mode, CONTEXT);
        String groups = System.getProperty("tandem.split.submitGroup");
        System.setProperty("tandem.split.submitGroup", Integer.toString(group));
        try (LoadedModel m = Engine.load(model, options, LoadProgress.NONE, () -> false); Session s = m.newSession()) {
            s.evaluate(reference.prompt());
            SplitRunner.submitFault = (device, first) -> {
                if (device == failing && first >= segment) throw new TandemException("simulated loss of device " + device);
            };
            int next = reference.continuation()[0];
            TandemException failed = assertThrows(TandemException.class, () -> s.evaluate(new int[] {next}));
            assertTrue(failed.getMessage().contains("simulated loss of device " + failing), failed.getMessage());
            assertTrue(failed.getMessage().contains("load the model again"), failed.getMessage());
            assertFalse(failed.getMessage().contains("\n"), "one line: " + failed.getMessage());
            SplitRunner.submitFault = SplitRunner.SubmitFault.NONE;
            TandemException refused = assertThrows(TandemException.class, () -> s.evaluate(new int[] {next}));
            assertEquals(failed.getMessage(), refused.getMessage(), "later steps are refused with the same message");
        } finally {
            SplitRunner.submitFault = SplitRunner.SubmitFault.NONE;
            if (groups == null) System.clearProperty("tandem.split.submitGroup");
            else System.setProperty("tandem.split.submitGroup", groups);
        }
        reference.assertMatchedBy(mode + " split loaded again", reference.replay(model, options));
    }
}
