package tandem.engine.vulkan.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tandem.engine.api.TandemException;

/** How many ranges a decode step's attention divides the cache into, on GPUs and on CPU implementations. */
class AttentionSplitsTest {
    @AfterEach
    void clearKnob() {
        System.clearProperty("tandem.attention.splits");
    }

    @Test
    void gpusTakeARangePer32PositionsUpTo64() {
        assertEquals(1, SequenceBuffers.attentionSplits(16, true));
        assertEquals(4, SequenceBuffers.attentionSplits(128, true));
        assertEquals(64, SequenceBuffers.attentionSplits(4224, true));
        assertEquals(64, SequenceBuffers.attentionSplits(131072, true));
    }

    @Test
    void cpuImplementationsTakeARangePer512PositionsFrom1024() {
        assertEquals(1, SequenceBuffers.attentionSplits(1000, false));
        assertEquals(2, SequenceBuffers.attentionSplits(1100, false));
        assertEquals(64, SequenceBuffers.attentionSplits(65536, false));
    }

    @Test
    void theKnobSetsTheCountAndRefusesOthers() {
        System.setProperty("tandem.attention.splits", "8");
        assertEquals(8, SequenceBuffers.attentionSplits(128, true));
        assertEquals(8, SequenceBuffers.attentionSplits(128, false));
        System.setProperty("tandem.attention.splits", "65");
        assertThrows(TandemException.class, () -> SequenceBuffers.attentionSplits(128, true));
    }
}
