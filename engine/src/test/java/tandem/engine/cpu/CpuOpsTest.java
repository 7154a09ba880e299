package tandem.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.SharedData;
import tandem.engine.gguf.TensorInfo;
import tandem.engine.model.RopeStyle;
import tandem.engine.tensor.Dequantizer;

class CpuOpsTest {
    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
        return x;
    }

    @Test
    void dotMatchesDoubleSumForOddLengths() {
        for (int n : new int[] {1, 7, 64, 67, 300}) {
            float[] a = random(n + 3, n);
            float[] b = random(n + 5, n + 1);
            double expected = 0;
            for (int i = 0; i < n; i++) expected += (double) a[i + 3] * b[i + 5];
            assertEquals(expected, CpuOps.dot(a, 3, b, 5, n), 1e-4 * Math.sqrt(n), "n=" + n);
        }
    }

    @Test
    void rmsNormScalesToUnitRootMeanSquareThenByWeight() {
        float[] out = new float[2];
        CpuOps.rmsNorm(new float[] {3, 4}, 0, new float[] {1, 2}, 0f, out, 0, 2);
        double scale = 1 / Math.sqrt(12.5);
        assertArrayEquals(new float[] {(float) (3 * scale), (float) (4 * 2 * scale)}, out, 1e-6f);
    }

    @Test
    void softmaxOfLogTwoGapIsOneThirdTwoThirds() {
        float[] x = {5f, 5f + (float) Math.log(2), 0f};
        CpuOps.softmax(x, 0, 2);
        assertArrayEquals(new float[] {1f / 3, 2f / 3, 0f}, x, 1e-6f);
    }

    @Test
    void swigluIsSiluOfGateTimesUp() {
        float[] out = new float[2];
        CpuOps.swiglu(new float[] {0f, 2f}, 0, new float[] {3f, 5f}, 0, out, 0, 2);
        assertArrayEquals(new float[] {0f, (float) (2 / (1 + Math.exp(-2)) * 5)}, out, 1e-6f);
    }

    @Test
    void ropeTurnsPairZeroByThePositionInRadians() {
        float[] x = {1f, 0f, 1f, 0f};
        CpuOps.rope(x, 0, 1, 4, 4, 3, 10000f, RopeStyle.NORMAL, null);
        assertEquals(Math.cos(3), x[0], 1e-6);
        assertEquals(Math.sin(3), x[1], 1e-6);
        double angle = 3 * Math.pow(10000, -0.5);
        assertEquals(Math.cos(angle), x[2], 1e-6);
        assertEquals(Math.sin(angle), x[3], 1e-6);
    }

    @Test
    void neoxIsNormalOnDeinterleavedHalves() {
        int headDim = 8;
        int heads = 2;
        float[] x = random(heads * headDim, 11);
        float[] interleaved = new float[x.length];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < headDim / 2; i++) {
                interleaved[h * headDim + 2 * i] = x[h * headDim + i];
                interleaved[h * headDim + 2 * i + 1] = x[h * headDim + i + headDim / 2];
            }
        }
        CpuOps.rope(x, 0, heads, headDim, headDim, 17, 500f, RopeStyle.NEOX, null);
        CpuOps.rope(interleaved, 0, heads, headDim, headDim, 17, 500f, RopeStyle.NORMAL, null);
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < headDim / 2; i++) {
                assertEquals(interleaved[h * headDim + 2 * i], x[h * headDim + i], 1e-6);
                assertEquals(interleaved[h * headDim + 2 * i + 1], x[h * headDim + i + headDim / 2], 1e-6);
            }
        }
    }

    @Test
    void ropeLeavesElementsBeyondRopeDimAlone() {
        float[] x = random(8, 3);
        float[] before = x.clone();
        CpuOps.rope(x, 0, 1, 8, 4, 9, 10000f, RopeStyle.NEOX, null);
        assertArrayEquals(java.util.Arrays.copyOfRange(before, 4, 8), java.util.Arrays.copyOfRange(x, 4, 8));
    }

    @Test
    void attentionWithGroupedHeadsMatchesPlainSoftmaxWeightedSum() {
        int heads = 4, kvHeads = 2, headDim = 3, length = 5, kvStride = kvHeads * headDim;
        float[] q = random(heads * headDim, 1);
        float[] keys = random(length * kvStride, 2);
        float[] values = random(length * kvStride, 3);
        float[] out = new float[heads * headDim];
        CpuOps.attention(q, 0, keys, values, kvStride, length, heads, kvHeads, headDim, new float[heads * length], out, 0);
        for (int h = 0; h < heads; h++) {
            int g = h / 2;
            double[] w = new double[length];
            double sum = 0;
            for (int t = 0; t < length; t++) {
                double s = 0;
                for (int i = 0; i < headDim; i++) s += q[h * headDim + i] * keys[t * kvStride + g * headDim + i];
                w[t] = Math.exp(s / Math.sqrt(headDim));
                sum += w[t];
            }
            for (int i = 0; i < headDim; i++) {
                double expected = 0;
                for (int t = 0; t < length; t++) expected += w[t] / sum * values[t * kvStride + g * headDim + i];
                assertEquals(expected, out[h * headDim + i], 1e-5, "head " + h + " element " + i);
            }
        }
    }

    static List<String> quantTypes() {
        return List.of("f32", "f16", "bf16", "q8_0", "q4_0", "q4_1", "q5_0", "q5_1", "q2_k", "q3_k", "q4_k", "q5_k", "q6_k", "iq4_nl", "iq4_xs");
    }

    /** matVec on the blocks equals a double-precision product with the fully decoded matrix. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("quantTypes")
    void matVecOnBlocksMatchesDecodedMatrix(String type) {
        Path model = SharedData.data("models/reference/llama-" + type + ".gguf");
        try (GgufFile file = GgufFile.open(model)) {
            TensorInfo t = file.requireTensor("blk.1.ffn_down.weight");
            int cols = (int) t.dims()[0];
            int rows = (int) t.dims()[1];
            float[] w = Dequantizer.dequantizeAll(t.type(), file.data(t), t.elementCount());
            float[] x = random(cols * 3, 5);
            float[] batched = new float[rows * 3];
            CpuOps.matMul(t.type(), file.data(t), rows, cols, x, 0, 3, batched, 0);
            for (int b = 0; b < 3; b++) {
                float[] single = new float[rows];
                CpuOps.matVec(t.type(), file.data(t), rows, cols, x, b * cols, single, 0);
                assertArrayEquals(single, java.util.Arrays.copyOfRange(batched, b * rows, (b + 1) * rows),
                        "batch of 3 must equal one vector at a time");
                for (int r = 0; r < rows; r++) {
                    double expected = 0;
                    for (int i = 0; i < cols; i++) expected += (double) w[r * cols + i] * x[b * cols + i];
                    assertEquals(expected, single[r], 1e-4 * (1 + Math.abs(expected)), "row " + r);
                }
            }
        }
    }
}
