package tandem.engine.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Typed getters over a file holding every value type (written, then read back). */
class GgufMetadataTest {
    private static final GgufMetadata M =
            GgufFile.parse(MemorySegment.ofArray(GgufWriterTest.everyValueType().toByteArray()), "m.gguf").metadata();

    @Test
    void integersOfEveryWidthReadAsLongWithTheirSignedness() {
        assertEquals(255, M.getLong("t.uint8"));
        assertEquals(-128, M.getLong("t.int8"));
        assertEquals(65535, M.getLong("t.uint16"));
        assertEquals(-32768, M.getLong("t.int16"));
        assertEquals(4294967295L, M.getLong("t.uint32"));
        assertEquals(Integer.MIN_VALUE, M.getInt("t.int32"));
        assertEquals(Long.MIN_VALUE, M.getLong("t.int64"));
        assertEquals(255, M.optInt("t.uint8").orElseThrow());
        assertFalse(M.optInt("nope").isPresent());
        assertFalse(M.optLong("nope").isPresent());
    }

    @Test
    void floatsBoolsStringsAndDefaults() {
        assertEquals(-1.5e-5f, M.getFloat("t.float32"));
        assertEquals((float) Math.PI, M.getFloat("t.float64"));
        assertEquals(7f, M.optFloat("nope").orElse(7f));
        assertTrue(M.getBool("t.bool", false));
        assertTrue(M.getBool("nope", true));
        assertEquals("héllo\nwörld", M.getString("t.string"));
        assertEquals("", M.getString("t.empty"));
        assertEquals("dflt", M.optString("nope").orElse("dflt"));
    }

    @Test
    void arraysConvertWhereLossless() {
        assertArrayEquals(new int[] {0, 255}, M.getIntArray("a.uint8"));
        assertArrayEquals(new int[] {-1, 1}, M.getIntArray("a.int8"));
        assertArrayEquals(new int[] {65535}, M.getIntArray("a.uint16"));
        assertArrayEquals(new int[] {Integer.MAX_VALUE, -5}, M.getIntArray("a.int32"));
        assertArrayEquals(new float[] {2.5f, Float.NEGATIVE_INFINITY}, M.getFloatArray("a.float64"));
        assertEquals(List.of(), M.getStringArray("a.empty"));
        assertEquals(4, M.value("a.nested").arrayLength());
        assertEquals("array of array[4]", M.value("a.nested").toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "getString t.uint32      | m.gguf: t.uint32: expected string, found uint32",
            "getLong t.string        | m.gguf: t.string: expected an integer, found string",
            "getLong t.uint64        | m.gguf: t.uint64: value 18446744073709551615 is too large",
            "getInt t.uint32         | m.gguf: t.uint32: value 4294967295 does not fit a 32-bit integer",
            "getInt t.int64          | m.gguf: t.int64: value -9223372036854775808 does not fit a 32-bit integer",
            "getFloat t.int32        | m.gguf: t.int32: expected float32, found int32",
            "getStringArray a.int32  | m.gguf: a.int32: expected array of string, found array of int32",
            "getFloatArray a.string  | m.gguf: a.string: expected array of float32, found array of string",
            "getIntArray a.uint32    | m.gguf: a.uint32: value 4294967295 does not fit a 32-bit integer",
            "getIntArray a.float32   | m.gguf: a.float32: expected array of integers, found array of float32",
            "getBool t.uint8         | m.gguf: t.uint8: expected bool, found uint8",
            "getString absent.key    | m.gguf: missing absent.key"})
    void wrongTypesAndMissingKeysNameTheKey(String call, String message) {
        String[] parts = call.split(" ");
        GgufException e = assertThrows(GgufException.class, () -> {
            switch (parts[0]) {
                case "getString" -> M.getString(parts[1]);
                case "getLong" -> M.getLong(parts[1]);
                case "getInt" -> M.getInt(parts[1]);
                case "getFloat" -> M.getFloat(parts[1]);
                case "getStringArray" -> M.getStringArray(parts[1]);
                case "getFloatArray" -> M.getFloatArray(parts[1]);
                case "getIntArray" -> M.getIntArray(parts[1]);
                case "getBool" -> M.getBool(parts[1], false);
                default -> throw new IllegalArgumentException(parts[0]);
            }
        });
        assertEquals(message, e.getMessage());
    }

    @Test
    void keysKeepFileOrder() {
        List<String> keys = M.keys();
        assertEquals("general.architecture", keys.getFirst());
        assertEquals("a.nested", keys.getLast());
        assertTrue(keys.indexOf("t.uint8") < keys.indexOf("t.int8"));
    }
}
