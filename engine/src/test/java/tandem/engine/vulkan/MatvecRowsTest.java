package tandem.engine.vulkan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import tandem.engine.tensor.GgmlType;

/** Rows per workgroup of the float decode product: fewer for small matrices on GPUs, so they still fill the card. */
class MatvecRowsTest extends VulkanTestBase {
    @Test
    void smallMatricesTakeFewerRowsPerWorkgroupUpToTheTypesMost() {
        assertEquals(1, Kernels.rowsForGroups(8, 128, 256), "a mixture's router: 128 workgroups of one row");
        assertEquals(4, Kernels.rowsForGroups(8, 1024, 256));
        assertEquals(8, Kernels.rowsForGroups(8, 4096, 256));
        assertEquals(4, Kernels.rowsForGroups(4, 14336, 256), "never more than the type's most");
        assertEquals(2, Kernels.rowsForGroups(8, 700, 256), "a power of two");
        assertEquals(8, Kernels.rowsForGroups(8, 128, 0), "0: the type's most");
    }

    @Test
    void aCpuImplementationKeepsTheTypesRows() {
        Kernels k = Kernels.of(device);
        assertTrue(device.physical().type().equals("cpu"), "CI runs this on lavapipe: " + device.physical().type());
        assertEquals(k.matvecRows(GgmlType.F32), k.matvecRowsFor(GgmlType.F32, 128));
    }
}
