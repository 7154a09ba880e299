package tandem.engine.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.engine.tensor.GgmlType;

class GgufWriterTest {

    /** Every value type, signed and unsigned extremes, empty and nested arrays. */
    static GgufWriter everyValueType() {
        GgufValue nested = GgufValue.array(GgufValueType.ARRAY, new GgufValue[] {
                GgufValue.int32Array(new int[] {1, -2, 3}),
                GgufValue.stringArray(List.of("a", "", "ü")),
                GgufValue.array(GgufValueType.ARRAY, new GgufValue[] {GgufValue.floatArray(new float[] {0.5f})}),
                GgufValue.array(GgufValueType.UINT8, new byte[0])});
        return new GgufWriter()
                .putString("general.architecture", "llama")
                .put("t.uint8", GgufValue.uint8(255))
                .put("t.int8", GgufValue.int8(-128))
                .put("t.uint16", GgufValue.uint16(65535))
                .put("t.int16", GgufValue.int16(-32768))
                .put("t.uint32", GgufValue.uint32(0xFFFF_FFFFL))
                .put("t.int32", GgufValue.int32(Integer.MIN_VALUE))
                .put("t.uint64", GgufValue.uint64(-1L))
                .put("t.int64", GgufValue.int64(Long.MIN_VALUE))
                .put("t.float32", GgufValue.float32(-1.5e-5f))
                .put("t.float64", GgufValue.float64(Math.PI))
                .put("t.bool", GgufValue.bool(true))
                .put("t.string", GgufValue.string("héllo\nwörld"))
                .put("t.empty", GgufValue.string(""))
                .put("a.uint8", GgufValue.array(GgufValueType.UINT8, new byte[] {0, (byte) 255}))
                .put("a.int8", GgufValue.array(GgufValueType.INT8, new byte[] {-1, 1}))
                .put("a.uint16", GgufValue.array(GgufValueType.UINT16, new short[] {(short) 65535}))
                .put("a.int16", GgufValue.array(GgufValueType.INT16, new short[] {-3}))
                .put("a.uint32", GgufValue.array(GgufValueType.UINT32, new int[] {-1, 7}))
                .put("a.int32", GgufValue.int32Array(new int[] {Integer.MAX_VALUE, -5}))
                .put("a.uint64", GgufValue.array(GgufValueType.UINT64, new long[] {-1L}))
                .put("a.int64", GgufValue.array(GgufValueType.INT64, new long[] {Long.MAX_VALUE, 0}))
                .put("a.float32", GgufValue.floatArray(new float[] {1f, Float.NaN, -0f}))
                .put("a.float64", GgufValue.array(GgufValueType.FLOAT64, new double[] {2.5, -1e300}))
                .put("a.bool", GgufValue.array(GgufValueType.BOOL, new boolean[] {true, false}))
                .put("a.string", GgufValue.stringArray(List.of("x", "yz")))
                .put("a.empty", GgufValue.array(GgufValueType.STRING, new String[0]))
                .put("a.nested", nested);
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void roundTripsEveryValueTypeTensorsAndAlignment(@TempDir Path dir) {
        byte[] f32 = new byte[4 * 8 * 3];
        MemorySegment s = MemorySegment.ofArray(f32);
        for (int i = 0; i < 24; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, i * 0.25f);
        byte[] q6k = randomBytes(210 * 2 * 5, 1);
        byte[] q80 = randomBytes(34 * 3, 2);
        GgufWriter w = everyValueType()
                .put("general.alignment", GgufValue.uint32(64))
                .addTensor("a", GgmlType.F32, new long[] {8, 3}, MemorySegment.ofArray(f32))
                .addTensor("b", GgmlType.Q6_K, new long[] {512, 5}, MemorySegment.ofArray(q6k))
                .addTensor("c", GgmlType.Q8_0, new long[] {96}, MemorySegment.ofArray(q80))
                .chunkBytes(1024) // several chunks per tensor, filled by several threads
                .threads(3);
        Path file = dir.resolve("all.gguf");
        w.write(file);
        assertFalse(Files.exists(dir.resolve("all.gguf.partial")));
        try (GgufFile g = GgufFile.open(file)) {
            assertEquals(w.fileSize(), g.fileSize());
            assertEquals(64, g.alignment());
            assertEquals(3, g.version());
            GgufWriter expected = everyValueType().put("general.alignment", GgufValue.uint32(64));
            GgufFile fromMemory = GgufFile.parse(MemorySegment.ofArray(expected.toByteArray()), "expected");
            assertEquals(fromMemory.metadata().asMap(), g.metadata().asMap());
            assertEquals(fromMemory.metadata().keys(), g.metadata().keys());
            assertEquals(w.plannedTensors(), g.tensors());
            assertArrayEquals(f32, g.data(g.requireTensor("a")).toArray(ValueLayout.JAVA_BYTE));
            assertArrayEquals(q6k, g.data(g.requireTensor("b")).toArray(ValueLayout.JAVA_BYTE));
            assertArrayEquals(q80, g.data(g.requireTensor("c")).toArray(ValueLayout.JAVA_BYTE));
            for (TensorInfo t : g.tensors()) assertEquals(0, t.offset() % 64, t.name());
            assertEquals(Math.PI, (Double) g.metadata().value("t.float64").value());
            assertEquals(0xFFFF_FFFFL, g.metadata().getLong("t.uint32"));
            assertEquals(-128, g.metadata().getInt("t.int8"));
            assertEquals(List.of("x", "yz"), g.metadata().getStringArray("a.string"));
        }
    }

    @Test
    void memoryImageEqualsTheFile(@TempDir Path dir) throws Exception {
        GgufWriter w = everyValueType().addTensor("q", GgmlType.Q4_0, new long[] {64, 2}, MemorySegment.ofArray(randomBytes(18 * 4, 3)));
        Path file = dir.resolve("m.gguf");
        w.write(file);
        assertArrayEquals(Files.readAllBytes(file), w.toByteArray());
    }
}
