package tandem.engine.vulkan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tandem.engine.api.TandemException;

/** Which kernel a mixture's prompt experts run: the matrix units where the device has them, else the scalar tiles, unless forced. */
class ExpertKernelChoiceTest {
    @AfterEach
    void clearKnob() {
        System.clearProperty("tandem.moe.kernel");
    }

    @ParameterizedTest(name = "knob={0} coopmat={1} -> {2}")
    @CsvSource({"'', true, coopmat", "'', false, matmul", "matmul, true, matmul", "MATVEC, true, matvec",
            "emulated, false, emulated", "coopmat, true, coopmat"})
    void choosesTheForcedOrTheBestKernel(String knob, boolean coopmat, String expected) {
        if (!knob.isEmpty()) System.setProperty("tandem.moe.kernel", knob);
        assertEquals(expected, ExpertKernel.choose(coopmat).label());
    }

    @ParameterizedTest(name = "knob={0}")
    @CsvSource({"coopmat, VK_KHR_cooperative_matrix", "tiles, unknown expert kernel"})
    void aKernelTheDeviceLacksOrAnUnknownNameIsAnError(String knob, String message) {
        System.setProperty("tandem.moe.kernel", knob);
        TandemException e = assertThrows(TandemException.class, () -> ExpertKernel.choose(false));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
