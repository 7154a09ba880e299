package tandem.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.SharedData;
import tandem.engine.gguf.TensorInfo;
import tandem.engine.api.TandemException;

/**
 * Each reference file holds the same random Llama quantised by llama.cpp to one type; decoding
 * every tensor and correlating it with the F32 file's tensor catches any layout error (a wrong
 * nibble order or scale unpacking drops the correlation towards zero).
 */
class DequantizerTest {

    /**
     * Lowest per-tensor correlation with F32 a correct decoder reaches, per file type (just under
     * the measured minimum over all quantised tensors). Measured 2026-11-26:
     * f16 1.000000, bf16 0.999999, q8_0 0.999985, q6_k 0.999841, q5_k 0.999339, q5_1 0.999277,
     * q5_0 0.999073, q4_k 0.997428, q4_1 0.996937, q4_0 0.996268, q3_k 0.988536, q2_k 0.956808
     * (Q2_K's worst is a 2-bit attn_q; a layout error gives |r| < 0.3). 2026-12-07: iq4_nl 0.997083,
     * iq4_xs 0.997038, and the mixes as their worst member: q4_k_m 0.997428, q5_k_m 0.999339.
     */
    private static final Map<String, Double> MIN_CORRELATION = Map.ofEntries(
            Map.entry("f16", 0.999999), Map.entry("bf16", 0.99999),
            Map.entry("q8_0", 0.99998), Map.entry("q6_k", 0.9998), Map.entry("q5_k", 0.999), Map.entry("q5_1", 0.999),
            Map.entry("q5_0", 0.999), Map.entry("q4_k", 0.997), Map.entry("q4_1", 0.996), Map.entry("q4_0", 0.995),
            Map.entry("q3_k", 0.985), Map.entry("q2_k", 0.95),
            Map.entry("iq4_nl", 0.996), Map.entry("iq4_xs", 0.996), Map.entry("q4_k_m", 0.997), Map.entry("q5_k_m", 0.999));

    /** Every llama-TYPE.gguf in the shared reference folder except the F32 original itself. */
    static Stream<String> referenceTypes() throws IOException {
        try (Stream<Path> files = Files.list(SharedData.data("models/reference"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("llama-") && n.endsWith(".gguf"))
                    .map(n -> n.substring("llama-".length(), n.length() - ".gguf".length())).filter(t -> !t.equals("f32"))
                    .sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("referenceTypes")
    void decodesLikeTheF32Original(String type) {
        Double minCorrelation = MIN_CORRELATION.get(type);
        assertTrue(minCorrelation != null, "llama-" + type + ".gguf has no measured threshold: measure it and add it to MIN_CORRELATION");
        try (GgufFile ref = GgufFile.open(SharedData.data("models/reference/llama-f32.gguf"));
             GgufFile quant = GgufFile.open(SharedData.data("models/reference/llama-" + type + ".gguf"))) {
            assertEquals(ref.tensors().size(), quant.tensors().size());
            double worst = 1;
            String worstName = "";
            for (TensorInfo q : quant.tensors()) {
                TensorInfo r = ref.requireTensor(q.name());
                assertArrayEquals(r.dims(), q.dims(), q.name());
                float[] expected = Dequantizer.dequantizeAll(r.type(), ref.data(r), r.elementCount());
                float[] actual = Dequantizer.dequantizeAll(q.type(), quant.data(q), q.elementCount());
                double c = correlation(expected, actual);
                if (c < worst) {
                    worst = c;
                    worstName = q.name() + " (" + q.type() + ")";
                }
            }
            System.out.printf("%s: lowest correlation %.6f in %s%n", type, worst, worstName);
            assertTrue(worst >= minCorrelation, type + ": correlation " + worst + " in " + worstName + " below " + minCorrelation);
        }
    }

    /** The comparison above is only a test of a decoder if some reference file uses its type. */
    @Test
    void theReferenceFilesCoverEverySupportedType() {
        Set<GgmlType> seen = EnumSet.noneOf(GgmlType.class);
        try (GgufFile f = GgufFile.open(SharedData.data(MXFP4_FILE))) {
            f.tensors().forEach(t -> seen.add(t.type()));
        }
        for (String type : MIN_CORRELATION.keySet()) {
            try (GgufFile f = GgufFile.open(SharedData.data("models/reference/llama-" + type + ".gguf"))) {
                f.tensors().forEach(t -> seen.add(t.type()));
            }
        }
        for (GgmlType t : GgmlType.values()) {
            if (t.isSupported()) assertTrue(seen.contains(t), t + " is in no reference file");
        }
    }

    /** gpt-oss with MXFP4 experts (llama-quantize's MXFP4_MOE mix of gpt-oss-f32.gguf): no llama file has MXFP4. */
    private static final String MXFP4_FILE = "models/arch/gpt-oss-mxfp4_moe.gguf";
    /** Lowest correlation of an MXFP4 expert tensor with its F32 source (measured 2026-12-07: 0.993305 to 0.993514). */
    private static final double MXFP4_MIN_CORRELATION = 0.992;

    /**
     * MXFP4 expert tensors (3-D, 16 experts) decode like their F32 source (a wrong nibble order or
     * scale exponent drops the correlation), and every value lies exactly on the E2M1 grid under its
     * block's power-of-two scale 2^(e-127), worked out here from the code's bits (sign, two exponent
     * bits, one mantissa bit) instead of from the decoder's doubled table and halved scale.
     */
    @Test
    void mxfp4ExpertsDecodeLikeTheF32OriginalOnTheE2M1Grid() {
        try (GgufFile ref = GgufFile.open(SharedData.data("models/arch/gpt-oss-f32.gguf"));
             GgufFile quant = GgufFile.open(SharedData.data(MXFP4_FILE))) {
            int checked = 0;
            for (TensorInfo q : quant.tensors()) {
                if (q.type() != GgmlType.MXFP4) continue;
                checked++;
                float[] actual = Dequantizer.dequantizeAll(q.type(), quant.data(q), q.elementCount());
                TensorInfo r = ref.requireTensor(q.name());
                assertArrayEquals(r.dims(), q.dims(), q.name());
                double c = correlation(Dequantizer.dequantizeAll(r.type(), ref.data(r), r.elementCount()), actual);
                System.out.printf("mxfp4 %s: correlation %.6f%n", q.name(), c);
                assertTrue(c >= MXFP4_MIN_CORRELATION, q.name() + ": correlation " + c + " below " + MXFP4_MIN_CORRELATION);
                MemorySegment bytes = quant.data(q);
                for (int b = 0; b < actual.length / 32; b++) {
                    int e = bytes.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 17L * b) & 0xFF;
                    for (int j = 0; j < 32; j++) {
                        int pair = bytes.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 17L * b + 1 + j % 16) & 0xFF;
                        double expected = e2m1((j < 16 ? pair : pair >>> 4) & 0xF) * Math.pow(2, e - 127);
                        if (expected != actual[32 * b + j]) {
                            assertEquals(expected, actual[32 * b + j], q.name() + " block " + b + " weight " + j);
                        }
                    }
                }
            }
            assertEquals(6, checked, "MXFP4 tensors in " + MXFP4_FILE);
        }
    }

    /** An E2M1 code from its bits: sign (bit 3), exponent (bits 1-2, bias 1; 0 is subnormal), mantissa (bit 0). */
    static double e2m1(int code) {
        int exponent = (code >>> 1) & 3, mantissa = code & 1;
        double magnitude = exponent == 0 ? 0.5 * mantissa : (1 + 0.5 * mantissa) * Math.pow(2, exponent - 1);
        return (code & 8) != 0 ? -magnitude : magnitude;
    }

    @Test
    void unsupportedTypesAreNamedInTheError() {
        TandemException e = assertThrows(TandemException.class,
                () -> GgmlType.IQ2_XXS.requireSupported("blk.0.ffn_up.weight"));
        assertEquals("tensor blk.0.ffn_up.weight uses IQ2_XXS, which Tandem does not support yet", e.getMessage());
        assertThrows(TandemException.class,
                () -> Dequantizer.dequantize(GgmlType.IQ2_XXS, MemorySegment.ofArray(new byte[66]), 0, new float[256], 0, 256));
    }

    static double correlation(float[] a, float[] b) {
        double ma = 0, mb = 0;
        for (int i = 0; i < a.length; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= a.length;
        mb /= b.length;
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.length; i++) {
            double x = a[i] - ma, y = b[i] - mb;
            sab += x * y;
            saa += x * x;
            sbb += y * y;
        }
        if (saa == 0 && sbb == 0) return 1; // both constant (e.g. norms of ones): identical
        return sab / Math.sqrt(saa * sbb);
    }
}
