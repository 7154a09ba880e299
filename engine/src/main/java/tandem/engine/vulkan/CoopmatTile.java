package tandem.engine.vulkan;

import tandem.engine.runtime.TandemException;

/**
 * The tiling of the cooperative-matrix prompt kernel: each workgroup computes {@code rows x tokens}
 * outputs, {@code step} weights of the shared dimension at a time, and each of its subgroups a
 * {@code subRows x subTokens} part of them (16 x 16 fragments). Its specialization constants.
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
     * The tile from {@code -Dtandem.coopmat.tile=ROWSxTOKENSxSTEP} and
     * {@code -Dtandem.coopmat.subgroup=ROWSxTOKENS} (tuning knobs), else {@link #DEFAULT}.
     */
    public static CoopmatTile fromProperties() {
        int[] tile = dims("tandem.coopmat.tile", 3, new int[] {DEFAULT.rows, DEFAULT.tokens, DEFAULT.step});
        int[] sub = dims("tandem.coopmat.subgroup", 2, new int[] {DEFAULT.subRows, DEFAULT.subTokens});
        return new CoopmatTile(tile[0], tile[1], tile[2], sub[0], sub[1]);
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

    /** Shared memory the kernel declares: two float16 tiles of each operand (lines padded by 8 halves), the reduction buffer. */
    public long sharedBytes() {
        return 2L * (rows + tokens) * (step + 8) * 2 + workgroup() * 4L;
    }

    /**
     * The SPIR-V name suffix of the kernel built for this tile (shaders/variants.txt): none for the
     * default, "_128x128x32_64x64" for others (built for q4_0 only, to tune).
     */
    public String variantSuffix() {
        return equals(DEFAULT) ? "" : "_" + rows + "x" + tokens + "x" + step + "_" + subRows + "x" + subTokens;
    }

    /** "64x64x32/32x32", as profiles and kernel-check name it. */
    @Override
    public String toString() { return rows + "x" + tokens + "x" + step + "/" + subRows + "x" + subTokens; }
}
