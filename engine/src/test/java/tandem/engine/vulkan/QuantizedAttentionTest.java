package tandem.engine.vulkan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The decode attention whose combine writes the attention output projection's int8 input
 * ({@link GpuOps#attentionRopedQuantized}) against the float attention followed by the separate quantize
 * (quantize_q8_1.comp): the same codes and scales, bit for bit, and codes that decode to the float output
 * within half a step of their block's scale.
 */
class QuantizedAttentionTest extends VulkanTestBase {
    @ParameterizedTest(name = "heads={0} kvHeads={1} headDim={2} ropeDim={3} pos0={4} splits={5}")
    @CsvSource({"4, 2, 64, 64, 100, 3", "8, 4, 128, 64, 300, 5", "2, 2, 32, 32, 0, 2"})
    void combineWritesTheSameInt8InputAsTheSeparateQuantize(int heads, int kvHeads, int headDim, int ropeDim, int pos0, int splits) {
        int qDim = heads * headDim, codeFloats = (int) (Int8Decode.bytes(qDim, 1) / 4);
        try (DecodeAttentionCase c = new DecodeAttentionCase(device, heads, kvHeads, headDim, ropeDim, true, pos0, splits, 21);
             GpuBuffer floats = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, 4L * qDim, "float out");
             GpuBuffer separate = deviceFloats(new float[codeFloats], "separately quantized");
             GpuBuffer fused = deviceFloats(new float[codeFloats], "quantized by the combine");
             CommandRecorder rec = CommandRecorder.create(device)) {
            AttentionCache cache = c.cache(device, "cache");
            rec.begin();
            c.storeEarlier(rec, cache);
            c.attendRoped(rec, cache, floats);
            rec.computeBarrier();
            GpuOps.quantizeInput(rec, floats.all(), null, null, 0f, 0, qDim, qDim, 1, separate.all());
            rec.computeBarrier();
            // appends the same key and value at pos0 again: the cache reads the same
            GpuOps.attentionRopedQuantized(rec, c.shape, c.query.all(), c.stepKey.all(), c.stepValue.all(), null, cache, c.rope,
                    new Int8Decode.Input(fused.all(), qDim, 1), c.step.range(), c.ranges, null);
            rec.end().submitAndWait();

            float[] want = readFloats(separate, codeFloats), got = readFloats(fused, codeFloats);
            assertArrayEquals(bits(want), bits(got), "the combine's int8 blocks differ from quantize_q8_1's");
            float[] out = readFloats(floats, qDim);
            float[] decoded = Int8Codes.decode(got, qDim);
            for (int i = 0; i < qDim; i++) {
                float d = Int8Codes.scale(got, qDim, i / Int8Decode.BLOCK);
                assertTrue(Math.abs(decoded[i] - out[i]) <= d / 2 + 1e-6f, "value " + i + ": " + decoded[i] + " vs " + out[i]);
            }
        }
    }

    private static int[] bits(float[] x) {
        int[] b = new int[x.length];
        for (int i = 0; i < x.length; i++) b[i] = Float.floatToRawIntBits(x[i]);
        return b;
    }

    /** Reads one token's int8 input back: every block's 32 signed byte codes, then every block's (d, s). */
    private static final class Int8Codes {
        static float scale(float[] raw, int cols, int block) {
            return raw[8 * (cols / Int8Decode.BLOCK) + 2 * block];
        }

        static float[] decode(float[] raw, int cols) {
            float[] out = new float[cols];
            for (int i = 0; i < cols; i++) {
                int word = Float.floatToRawIntBits(raw[i / 4]);
                out[i] = (byte) (word >>> (8 * (i % 4))) * scale(raw, cols, i / Int8Decode.BLOCK);
            }
            return out;
        }
    }
}
