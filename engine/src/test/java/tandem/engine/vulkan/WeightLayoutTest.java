package tandem.engine.vulkan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tandem.engine.tensor.GgmlType;

/** The split upload layout, byte by byte, on enough blocks that the repack runs in several parallel runs. */
class WeightLayoutTest {
    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q4_0", "Q8_0", "IQ4_NL", "MXFP4"})
    void splitLayoutPutsEveryBlocksQuantsFirstAndItsScaleAfterAllQuants(GgmlType type) {
        int blocks = 200_003;
        // every block leads with its scale: f16, or MXFP4's E8M0 byte
        int scaleBytes = type == GgmlType.MXFP4 ? 1 : 2;
        int blockBytes = type.typeSize(), quantBytes = blockBytes - scaleBytes;
        try (Arena arena = Arena.ofShared()) {
            byte[] gguf = new byte[blocks * blockBytes];
            new Random(7).nextBytes(gguf);
            MemorySegment split = WeightLayout.forUpload(type, MemorySegment.ofArray(gguf), arena);
            assertEquals(gguf.length, split.byteSize());
            for (int i = 0; i < blocks; i++) {
                for (int k = 0; k < scaleBytes; k++) {
                    assertEquals(gguf[i * blockBytes + k], split.get(ValueLayout.JAVA_BYTE, (long) blocks * quantBytes + (long) scaleBytes * i + k),
                            "scale byte " + k + " of block " + i);
                }
                for (int k = 0; k < quantBytes; k++) {
                    assertEquals(gguf[i * blockBytes + scaleBytes + k], split.get(ValueLayout.JAVA_BYTE, (long) i * quantBytes + k),
                            "quant byte " + k + " of block " + i);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "Q4_1", "Q4_K", "Q6_K", "IQ4_XS"})
    void otherTypesUploadTheirFileBytes(GgmlType type) {
        MemorySegment bytes = MemorySegment.ofArray(new byte[type.typeSize() * 3]);
        try (Arena arena = Arena.ofConfined()) {
            assertSame(bytes, WeightLayout.forUpload(type, bytes, arena));
        }
    }
}
