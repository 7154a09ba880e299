package tandem.engine.vulkan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tandem.engine.api.TandemException;

/** Which kernel prompts run: the device's best unless -Dtandem.prompt.kernel forces one it has. */
class PromptKernelTest {
    @AfterEach
    void clearKnob() {
        System.clearProperty("tandem.prompt.kernel");
    }

    @ParameterizedTest(name = "knob={0} coopmat={1} -> {2}")
    @CsvSource({"'', true, coopmat", "'', false, matvec", "matmul, true, matmul", "MATVEC, true, matvec",
            "matmul, false, matmul", "coopmat, true, coopmat"})
    void choosesTheForcedOrTheBestKernel(String knob, boolean coopmat, String expected) {
        if (!knob.isEmpty()) System.setProperty("tandem.prompt.kernel", knob);
        assertEquals(expected, PromptKernel.choose(coopmat).label());
    }

    @ParameterizedTest(name = "knob={0}")
    @CsvSource({"coopmat, cooperative_matrix", "tiles, unknown prompt kernel"})
    void aKernelTheDeviceLacksOrAnUnknownNameIsAnError(String knob, String message) {
        System.setProperty("tandem.prompt.kernel", knob);
        TandemException e = assertThrows(TandemException.class, () -> PromptKernel.choose(false));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
