package tandem.engine.vulkan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tandem.engine.api.TandemException;

/** The coopmat tile knobs name the SPIR-V variant built for them, and bad tiles are one-line errors. */
class CoopmatTileTest {
    @AfterEach
    void clearKnobs() {
        System.clearProperty("tandem.coopmat.tile");
        System.clearProperty("tandem.coopmat.subgroup");
    }

    @Test
    void theDefaultTileIsTheUnsuffixedKernelOfFourSubgroups() {
        assertEquals(null, CoopmatTile.forced());
        assertEquals("", CoopmatTile.DEFAULT.variantSuffix());
        assertEquals(128, CoopmatTile.DEFAULT.workgroup());
    }

    /** The largest tile that leaves 256 workgroups: 8B shapes at 512 tokens, and a short prompt. */
    @ParameterizedTest(name = "rows={0} tokens={1} -> {2}")
    @CsvSource({"14336, 512, 128x128x32/64x64", "4096, 512, 128x64x32/64x32", "1024, 512, 64x64x32/32x32",
                "14336, 37, 64x64x32/32x32", "128256, 64, 128x64x32/64x32", "128256, 128, 128x128x32/64x64"})
    void theTileFollowsTheShape(int rows, int tokens, String expected) {
        assertEquals(expected, CoopmatTile.forShape(rows, tokens).toString());
    }

    @Test
    void knobsChooseAnotherTile() {
        System.setProperty("tandem.coopmat.tile", "128x128x32");
        System.setProperty("tandem.coopmat.subgroup", "64x32");
        CoopmatTile t = CoopmatTile.forShape(14336, 512);
        assertEquals("_128x128x32_64x32", t.variantSuffix());
        assertEquals(256, t.workgroup());
        assertEquals(2L * 256 * 40 * 2 + 256 * 4, t.sharedBytes());
    }

    /** Every type has the tiles chosen by shape; tuning tiles and diagnostics exist for q4_0 at their tile only. */
    @ParameterizedTest(name = "{0} tile={1} diagnostic={2} built={3}")
    @CsvSource({"q6_k, 64x64x32/32x32, '', true", "q8_0, 128x128x32/64x64, '', true", "f32, 128x64x32/64x32, '', true",
                "q4_0, 64x64x64/32x32, '', true", "q4_0, 64x64x32/32x32, nofill, true",
                "q8_0, 64x64x64/32x32, '', false", "q4_0, 128x128x32/64x64, nomma, false", "q4_0, 64x64x32/32x32, bogus, false",
                "emulated_q4_k, 64x64x32/32x32, '', true", "emulated_q5_0, 64x64x32/32x32, '', false"})
    void theKnobsFindABuiltVariantOrSayWhichExist(String type, String tile, String diagnostic, boolean built) {
        String[] parts = tile.split("[x/]");
        CoopmatTile t = new CoopmatTile(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]),
                Integer.parseInt(parts[3]), Integer.parseInt(parts[4]));
        if (built) {
            assertEquals("matmul_coopmat_" + type + t.variantSuffix() + (diagnostic.isEmpty() ? "" : "_" + diagnostic),
                    Kernels.coopmatShader(type, t, diagnostic));
        } else {
            TandemException e = assertThrows(TandemException.class, () -> Kernels.coopmatShader(type, t, diagnostic));
            assertTrue(e.getMessage().contains("no coopmat kernel is built for " + type), e.getMessage());
        }
    }

    @ParameterizedTest(name = "tile={0} subgroup={1}")
    @CsvSource({"64x64x32, 24x32, invalid", "64x64x48, 32x32, invalid", "64x64, 32x32, ROWSxTOKENSxSTEP", "64x64x32, 32xa, ROWSxTOKENS"})
    void badTilesAreErrors(String tile, String subgroup, String message) {
        System.setProperty("tandem.coopmat.tile", tile);
        System.setProperty("tandem.coopmat.subgroup", subgroup);
        TandemException e = assertThrows(TandemException.class, () -> CoopmatTile.forShape(4096, 512));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
