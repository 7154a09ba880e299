package tandem.engine.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A corpus of files each broken in one way; each must fail with its own clear one-line message. */
class GgufMalformedTest {
    private static final int F32 = 0;
    private static final int Q8_0 = 8;

    /** A valid file: two metadata entries, one F32 [4, 2] tensor (32 bytes of data). */
    static RawGguf validUpToData() {
        return RawGguf.header(3, 1, 2).kvString("general.architecture", "llama").kvU32("llama.block_count", 1)
                .tensor("w", new long[] {4, 2}, F32, 0).pad(32);
    }

    static byte[] valid() {
        return validUpToData().zeros(32).build();
    }

    static byte[] truncate(byte[] b, int n) {
        return Arrays.copyOf(b, n);
    }

    /** Offset of the first metadata entry (after magic, version and the two counts). */
    private static final int KV_START = 24;

    static Stream<Arguments> corpus() {
        byte[] v = valid();
        int infoStart = RawGguf.header(3, 1, 2).kvString("general.architecture", "llama").kvU32("llama.block_count", 1).size();
        byte[] nestBomb = nestedArrays(200);
        return Stream.of(
                Arguments.of("empty file", new byte[0], "at byte 0: truncated"),
                Arguments.of("bad magic", withBytes(v, 0, "GGML".getBytes()), "at byte 0: bad magic 0x47474d4c"),
                Arguments.of("version 1", withU32(v, 4, 1), "at byte 4: GGUF version 1 is not supported"),
                Arguments.of("version 4", withU32(v, 4, 4), "at byte 4: GGUF version 4 is not supported"),
                Arguments.of("big-endian", withU32(v, 4, Integer.reverseBytes(3)), "big-endian GGUF"),
                Arguments.of("truncated header", truncate(v, 12), "at byte 8: truncated"),
                Arguments.of("truncated metadata", truncate(RawGguf.header(3, 0, 2).kvString("general.architecture", "llama").kvU32("llama.block_count", 1).build(), 100),
                        "at byte 98: truncated: the file ends (at 100 bytes) before the llama.block_count (4 bytes needed)"),
                Arguments.of("truncated tensor info", truncate(v, infoStart + 10), "truncated"),
                Arguments.of("truncated data", truncate(v, v.length - 1), "data (32 bytes at offset 0 of the data section at "),
                Arguments.of("tensor count past end", withU64(v, 8, 1L << 40), "at byte 8: tensor count 1099511627776 runs past the end"),
                Arguments.of("metadata count past end", withU64(v, 16, -1L), "at byte 16: metadata count 18446744073709551615 runs past the end"),
                Arguments.of("string length past end", withU64(v, KV_START, 1L << 50), "at byte 24: length 1125899906842624 of metadata key runs past the end"),
                Arguments.of("string length negative", withU64(v, KV_START, -2L), "of metadata key runs past the end"),
                Arguments.of("array count huge", RawGguf.header(3, 0, 1).str("a").u32(9).u32(5).u64(1L << 61).build(),
                        "at byte 41: array of 2305843009213693952 int32 for key a runs past the end"),
                Arguments.of("string array count huge", RawGguf.header(3, 0, 1).str("a").u32(9).u32(8).u64(1L << 30).zeros(64).build(),
                        "array of 1073741824 string for key a runs past the end"),
                Arguments.of("nested array depth bomb", nestBomb, "arrays nested deeper than 8 levels in key deep"),
                Arguments.of("unknown value type", RawGguf.header(3, 0, 1).str("k").u32(13).u32(0).build(), "at byte 33: unknown metadata value type 13 for key k"),
                Arguments.of("unknown array element type", RawGguf.header(3, 0, 1).str("k").u32(9).u32(99).u64(0).build(), "unknown array element type 99 for key k"),
                Arguments.of("unknown ggml type", RawGguf.header(3, 1, 0).tensor("w", new long[] {4}, 4, 0).pad(32).zeros(32).build(), "tensor w has unknown ggml type id 4"),
                Arguments.of("ggml type id past the table", RawGguf.header(3, 1, 0).tensor("w", new long[] {4}, 1000, 0).pad(32).zeros(32).build(), "unknown ggml type id 1000"),
                Arguments.of("duplicate key", RawGguf.header(3, 0, 2).kvU32("k", 1).kvU32("k", 2).build(), "at byte 41: duplicate metadata key k"),
                Arguments.of("duplicate tensor", RawGguf.header(3, 2, 0).tensor("w", new long[] {4}, F32, 0).tensor("w", new long[] {4}, F32, 32).pad(32).zeros(64).build(), "duplicate tensor w"),
                Arguments.of("tensor offset misaligned", RawGguf.header(3, 1, 0).tensor("w", new long[] {4}, F32, 4).pad(32).zeros(64).build(), "tensor w: data offset 4 is not a multiple of the alignment 32"),
                Arguments.of("tensors overlap", RawGguf.header(3, 2, 0).tensor("a", new long[] {16}, F32, 0).tensor("b", new long[] {8}, F32, 32).pad(32).zeros(96).build(), "data of tensors a and b overlap"),
                Arguments.of("tensor outside file", RawGguf.header(3, 1, 0).tensor("w", new long[] {4}, F32, 1L << 40).pad(32).zeros(64).build(), "lies outside the file"),
                Arguments.of("tensor offset wraps around", RawGguf.header(3, 1, 0).tensor("w", new long[] {4}, F32, -32L).pad(32).zeros(64).build(), "is not a multiple of the alignment"),
                Arguments.of("dimension product overflow", RawGguf.header(3, 1, 0).tensor("w", new long[] {1L << 32, 1L << 32}, F32, 0).pad(32).build(), "dimensions of tensor w overflow"),
                Arguments.of("byte size overflow", RawGguf.header(3, 1, 0).tensor("w", new long[] {1L << 62}, F32, 0).pad(32).build(), "byte size of 4611686018427387904 F32 elements overflows"),
                Arguments.of("dimension above 2^63", RawGguf.header(3, 1, 0).tensor("w", new long[] {-1L}, F32, 0).pad(32).build(), "has a dimension of 18446744073709551615, too large"),
                Arguments.of("five dimensions", RawGguf.header(3, 1, 0).tensor("w", new long[] {1, 1, 1, 1, 1}, F32, 0).pad(32).zeros(32).build(), "tensor w has 5 dimensions (at most 4)"),
                Arguments.of("row not whole blocks", RawGguf.header(3, 1, 0).tensor("w", new long[] {16, 2}, Q8_0, 0).pad(32).zeros(64).build(), "row length 16 is not a multiple of Q8_0's block size 32"),
                Arguments.of("alignment 0", RawGguf.header(3, 0, 1).kvU32("general.alignment", 0).build(), "general.alignment is 0, not a power of two"),
                Arguments.of("alignment not a power of two", RawGguf.header(3, 0, 1).kvU32("general.alignment", 48).build(), "general.alignment is 48, not a power of two"),
                Arguments.of("alignment not an integer", RawGguf.header(3, 0, 1).kvString("general.alignment", "32").build(), "general.alignment: expected uint32, found string"));
    }

    /** {@code depth} arrays each holding one array. */
    static byte[] nestedArrays(int depth) {
        RawGguf r = RawGguf.header(3, 0, 1).str("deep").u32(9);
        for (int i = 0; i < depth; i++) r.u32(9).u64(1);
        return r.u32(5).u64(0).build();
    }

    static byte[] withBytes(byte[] b, int at, byte[] v) {
        byte[] c = b.clone();
        System.arraycopy(v, 0, c, at, v.length);
        return c;
    }

    static byte[] withU32(byte[] b, int at, int v) {
        byte[] c = b.clone();
        for (int i = 0; i < 4; i++) c[at + i] = (byte) (v >>> (8 * i));
        return c;
    }

    static byte[] withU64(byte[] b, int at, long v) {
        byte[] c = b.clone();
        for (int i = 0; i < 8; i++) c[at + i] = (byte) (v >>> (8 * i));
        return c;
    }

    @Test
    void theBaseFileIsValid() {
        try (GgufFile f = GgufFile.parse(MemorySegment.ofArray(valid()), "valid.gguf")) {
            assertEquals(1, f.tensors().size());
            assertEquals(8, f.requireTensor("w").elementCount());
            assertEquals("llama", f.metadata().getString("general.architecture"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void failsWithAClearMessage(String name, byte[] bytes, String expected) {
        GgufException e = assertThrows(GgufException.class, () -> GgufFile.parse(MemorySegment.ofArray(bytes), "bad.gguf"));
        String m = e.getMessage();
        assertTrue(m.startsWith("bad.gguf: "), m);
        assertTrue(m.contains(expected), "expected '" + expected + "' in: " + m);
        assertFalse(m.contains("\n"), "one line: " + m);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void failsTheSameWayFromDisk(String name, byte[] bytes, String expected, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.gguf");
        Files.write(file, bytes);
        GgufException e = assertThrows(GgufException.class, () -> GgufFile.open(file));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    /** A megabyte-long key or tensor name (with a newline in it) is quoted by its start and its length, on one line. */
    @Test
    void aHugeKeyOrTensorNameIsShortenedInTheMessage() {
        String huge = "k\n" + "x".repeat(1 << 20);
        byte[] badKey = RawGguf.header(3, 0, 1).str(huge).u32(13).u32(0).build();
        byte[] badTensor = RawGguf.header(3, 1, 0).tensor(huge, new long[] {4}, 4, 0).pad(32).zeros(32).build();
        for (byte[] bytes : java.util.List.of(badKey, badTensor)) {
            String m = assertThrows(GgufException.class, () -> GgufFile.parse(MemorySegment.ofArray(bytes), "bad.gguf")).getMessage();
            assertTrue(m.length() < 200, m.length() + " characters: " + m.substring(0, Math.min(m.length(), 300)));
            assertTrue(m.contains("k?xxxx"), m);
            assertTrue(m.contains("... (1048578 characters)"), m);
            assertFalse(m.contains("\n"), m);
        }
    }

    /** Counts fit the file, but a million one-byte strings need ~60 MB of heap: over a 1 MB budget. */
    @Test
    void metadataBeyondTheHeapBudgetIsRefused() {
        RawGguf r = RawGguf.header(3, 0, 1).str("tokens").u32(9).u32(8).u64(1_000_000);
        for (int i = 0; i < 1_000_000; i++) r.str("x");
        byte[] b = r.build();
        GgufException e = assertThrows(GgufException.class, () -> GgufParser.parse(MemorySegment.ofArray(b), "big.gguf", 1 << 20));
        assertTrue(e.getMessage().startsWith("big.gguf: at byte "), e.getMessage());
        assertTrue(e.getMessage().contains("metadata needs more memory than allowed"), e.getMessage());
        assertEquals(1_000_000, GgufParser.parse(MemorySegment.ofArray(b), "big.gguf", 1L << 30).metadata().getStringArray("tokens").size());
    }

    @Test
    void missingFileIsAClearError(@TempDir Path dir) {
        Path file = dir.resolve("none.gguf");
        GgufException e = assertThrows(GgufException.class, () -> GgufFile.open(file));
        assertEquals(file + ": no such file", e.getMessage());
    }
}
