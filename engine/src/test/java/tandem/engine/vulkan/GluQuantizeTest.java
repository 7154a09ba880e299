package tandem.engine.vulkan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tandem.engine.tensor.GgmlType;
import tandem.engine.tools.RandomBlocks;

/**
 * A decode token's gate and up products that quantize silu(gate) * up themselves, the last workgroup of each block of
 * 32 outputs doing it ({@link GpuOps#matVecInt8Glu}), against the plain products followed by quantize_q8_1's SwiGLU:
 * the same gate and up rows and the same int8 blocks, bit for bit, run after run on the same block counters (which
 * only grow), also with the rows spread over several buffers.
 */
class GluQuantizeTest extends VulkanTestBase {
    @BeforeEach
    void int8On() {
        System.setProperty(Int8Decode.PROPERTY, "true");
    }

    @AfterEach
    void clearProperty() {
        System.clearProperty(Int8Decode.PROPERTY);
    }

    @ParameterizedTest(name = "{0} rows={1} cols={2} sliceBytes={3}")
    @CsvSource({"Q4_K, 96, 512, 0", "Q8_0, 64, 256, 0", "Q4_0, 256, 160, 0", "Q6_K, 128, 256, 0", "Q4_0, 128, 256, 4608"})
    void gateAndUpQuantizeTheDownInputAsTheSeparateQuantizeDoes(GgmlType type, int rows, int cols, long sliceBytes) {
        int codeFloats = (int) (Int8Decode.bytes(rows, 1) / 4);
        try (Arena arena = Arena.ofShared();
             WeightUploader uploader = new WeightUploader(device, n -> { }, sliceBytes == 0 ? Long.MAX_VALUE : sliceBytes)) {
            MemorySegment gw = arena.allocate(type.byteSize((long) rows * cols), 16), uw = arena.allocate(type.byteSize((long) rows * cols), 16);
            RandomBlocks.fill(type, gw, 7);
            RandomBlocks.fill(type, uw, 8);
            try (WeightTensor gate = uploader.matrix("gate", type, rows, cols, gw); WeightTensor up = uploader.matrix("up", type, rows, cols, uw);
                 GpuBuffer xCodes = deviceFloats(new float[cols], "x codes");
                 GpuBuffer g1 = deviceFloats(new float[rows], "gate"); GpuBuffer u1 = deviceFloats(new float[rows], "up");
                 GpuBuffer g2 = deviceFloats(new float[rows], "gate, fused"); GpuBuffer u2 = deviceFloats(new float[rows], "up, fused");
                 GpuBuffer separate = deviceFloats(new float[codeFloats], "down input, separate");
                 GpuBuffer fused = deviceFloats(new float[codeFloats], "down input, fused");
                 GpuBuffer counters = deviceFloats(new float[rows / Int8Decode.BLOCK], "block counters")) {
                assertTrue(GpuOps.quantizesGlu(device, gate, up), "the uploaded slices do not take the fused quantize");
                if (sliceBytes > 0) assertTrue(gate.slices().size() > 1, "one slice only: " + gate.slices().size());
                for (int run = 0; run < 3; run++) {
                    float[] x = VulkanFoundationTest.randomFloats(cols, 40 + run);
                    try (GpuBuffer xb = deviceFloats(x, "x"); CommandRecorder rec = CommandRecorder.create(device)) {
                        rec.begin();
                        Int8Decode.Input q = GpuOps.quantizeInput(rec, xb.all(), null, null, 0f, 0, cols, cols, 1, xCodes.all());
                        rec.computeBarrier();
                        GpuOps.matVecInt8(rec, gate, q, g1.all(), rows, false);
                        GpuOps.matVecInt8(rec, up, q, u1.all(), rows, false);
                        GpuOps.matVecInt8Glu(rec, gate, up, q, g2.all(), u2.all(), new Int8Decode.Input(fused.all(), rows, 1),
                                counters.all());
                        rec.computeBarrier();
                        GpuOps.quantizeInput(rec, g1.all(), u1.all(), null, 0f, 0, rows, rows, 1, separate.all());
                        rec.end().submitAndWait();
                    }
                    assertArrayEquals(readFloats(g1, rows), readFloats(g2, rows), "gate rows, run " + run);
                    assertArrayEquals(readFloats(u1, rows), readFloats(u2, rows), "up rows, run " + run);
                    float[] want = readFloats(separate, codeFloats), got = readFloats(fused, codeFloats);
                    assertFalse(java.util.Arrays.equals(new float[codeFloats], got), "nothing written, run " + run);
                    assertArrayEquals(bits(want), bits(got), "the fused SwiGLU quantize differs, run " + run);
                }
            }
        }
    }

    private static int[] bits(float[] x) {
        int[] b = new int[x.length];
        for (int i = 0; i < x.length; i++) b[i] = Float.floatToRawIntBits(x[i]);
        return b;
    }
}
