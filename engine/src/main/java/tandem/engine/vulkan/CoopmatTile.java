package tandem.engine.vulkan;

import tandem.engine.api.TandemException;

/**
 * The tiling of the cooperative-matrix prompt kernel: each workgroup computes {@code rows x tokens}
 * outputs, {@code step} weights of the shared dimension at a time, and each of its subgroups a
 * {@code subRows x subTokens} part of them (16 x 16 fragments). The kernel takes them as
 * compile-time defines (TILE_M/N/K, SUB_M/N), one SPIR-V variant per tile (shaders/variants.txt).
 */
public record CoopmatTile(int rows, int tokens, int step, int subRows, int subTokens) {
    /** 64 x 64 tiles of 32 x 32 per subgroup (4 subgroups), one Q4_0 block per step. */
    public static final CoopmatTile DEFAULT = new CoopmatTile(64, 64, 32, 32, 32);

    public CoopmatTile {
        int side = CooperativeMatrixSupport.SIDE;
        boolean ok = subRows > 0 && subTokens > 0 && subRows % side == 0 && subTokens % side == 0
                && rows % subRows == 0 && tokens % subTokens == 0 && step >= 32 && 256 % step == 0;
        if (!ok) {
            throw new TandemException("coopmat tile " + rows + "x" + tokens + "x" + step + " with subgroup tiles " + subRows + "x"
                    + subTokens + " is invalid: subgroup tiles are multiples of 16 dividing the tile, the step 32, 64, 128 or 256");
        }
    }

    /**
     * Tiles built for every weight type, largest first: a large tile reuses each loaded weight and
     * input for more products, but leaves fewer workgroups to spread over the GPU.
     */
    public static final java.util.List<CoopmatTile> BY_SIZE = java.util.List.of(
            new CoopmatTile(128, 128, 32, 64, 64), new CoopmatTile(128, 64, 32, 64, 32), DEFAULT);

    /**
     * Workgroups a product should have before a larger tile is worth it. On an H100 (132 SMs),
     * 8B Q4_0 at 512 tokens: 128x128 tiles were fastest for 14336 x 4096 (448 workgroups: 472 µs
     * against 508 for 64x64) but slow for 4096 x 14336 (128 workgroups: 704 against 489 for
     * 128x64, which has 256); 128x64 beat 64x64 on 4096 x 4096 (139 against 151 µs).
     */
    static final int MIN_WORKGROUPS = 256;

    /**
     * The tile for a product of {@code rows} outputs for {@code tokens} tokens: the one forced by
     * {@code -Dtandem.coopmat.tile=ROWSxTOKENSxSTEP} and {@code -Dtandem.coopmat.subgroup=ROWSxTOKENS}
     * (tuning knobs), else the largest of {@link #BY_SIZE} that still gives {@link #MIN_WORKGROUPS}
     * and whose token side is at most the product's tokens (or the default's 64): a token side
     * beyond a short prompt would be mostly padding.
     */
    public static CoopmatTile forShape(int rows, int tokens) {
        CoopmatTile forced = forced();
        if (forced != null) return forced;
        for (CoopmatTile t : BY_SIZE) {
            if (t.tokens > Math.max(DEFAULT.tokens, tokens)) continue;   // mostly padding
            long groups = (long) ((rows + t.rows - 1) / t.rows) * ((tokens + t.tokens - 1) / t.tokens);
            if (groups >= MIN_WORKGROUPS) return t;
        }
        return DEFAULT;
    }

    /** The tile the knobs force, or null when they are not set. */
    public static CoopmatTile forced() {
        if (System.getProperty("tandem.coopmat.tile") == null && System.getProperty("tandem.coopmat.subgroup") == null) return null;
        int[] tile = dims("tandem.coopmat.tile", 3, new int[] {DEFAULT.rows, DEFAULT.tokens, DEFAULT.step});
        int[] sub = dims("tandem.coopmat.subgroup", 2, new int[] {DEFAULT.subRows, DEFAULT.subTokens});
        return new CoopmatTile(tile[0], tile[1], tile[2], sub[0], sub[1]);
    }

    /** How tiles are chosen, for bench and kernel-check to print. */
    public static String describeChoice() {
        CoopmatTile forced = forced();
        return forced != null ? "tile " + forced + " (forced)" : "tiles by shape " + BY_SIZE;
    }

    private static int[] dims(String property, int count, int[] fallback) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) return fallback;
        String[] parts = v.strip().split("x");
        try {
            if (parts.length != count) throw new NumberFormatException();
            int[] out = new int[count];
            for (int i = 0; i < count; i++) out[i] = Integer.parseInt(parts[i]);
            return out;
        } catch (NumberFormatException e) {
            throw new TandemException("-D" + property + "=" + v + " is not " + (count == 3 ? "ROWSxTOKENSxSTEP" : "ROWSxTOKENS")
                    + " in whole numbers");
        }
    }

    public int subgroups() { return (rows / subRows) * (tokens / subTokens); }

    /** Invocations per workgroup: the kernel is compiled for subgroups of 32. */
    public int workgroup() { return subgroups() * CooperativeMatrixSupport.SUBGROUP; }

    /** Shared memory the kernel declares: two float16 tiles of each operand (lines padded by 8 halves), common.glsl's reduction floats. */
    public long sharedBytes() {
        return 2L * (rows + tokens) * (step + 8) * 2 + workgroup() * 4L;
    }

    /**
     * The SPIR-V name suffix of the kernel built for this tile (shaders/variants.txt): none for the
     * default, "_128x128x32_64x64" for others (those of {@link #BY_SIZE} are built for every type,
     * a few more for q4_0, to tune).
     */
    public String variantSuffix() {
        return equals(DEFAULT) ? "" : "_" + rows + "x" + tokens + "x" + step + "_" + subRows + "x" + subTokens;
    }

    /** "64x64x32/32x32", as profiles and kernel-check name it. */
    @Override
    public String toString() { return rows + "x" + tokens + "x" + step + "/" + subRows + "x" + subTokens; }
}
