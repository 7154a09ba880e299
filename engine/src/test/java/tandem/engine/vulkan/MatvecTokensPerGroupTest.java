package tandem.engine.vulkan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Tokens per workgroup of the prompt matvec: at most 8, rows x tokens within the workgroup, and
 * matvec.comp's shared floats (row_sums: rows x tokens x workgroup, plus common.glsl's workgroup)
 * within the device's limit.
 */
class MatvecTokensPerGroupTest {
    @ParameterizedTest(name = "workgroup={0} rows={1} shared={2} -> {3}")
    @CsvSource({
            "128, 8, 49152, 8",   // NVIDIA: subgroups of 32, 8 rows
            "256, 8, 65536, 7",   // AMD: subgroups of 64; 8 tokens would need 65 KiB
            "256, 4, 65536, 8",   // AMD, q4_k rows
            "32, 8, 65536, 4",    // lavapipe: rows x tokens fill the workgroup
            "256, 8, 32768, 3"})
    void fitsTheWorkgroupAndTheSharedMemory(int workgroup, int rows, long shared, int expected) {
        int tokens = Kernels.promptTokensPerGroup(workgroup, rows, shared);
        assertEquals(expected, tokens);
        assertTrue(rows * tokens <= workgroup, "outputs within the workgroup");
        assertTrue(((long) rows * tokens * workgroup + workgroup) * Float.BYTES <= shared, "shared memory within the limit");
    }
}
