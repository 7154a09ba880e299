package tandem.engine.vulkan;

import java.util.Locale;
import tandem.engine.api.TandemException;

/**
 * How a mixture's experts compute a prompt step (at least {@link GpuOps#MATMUL_MIN_TOKENS} tokens).
 * The grouped kernels sort the step's (token, expert) pairs by expert (moe_group.comp) and read each
 * chosen expert's weights once per tile of its pairs ({@link #tileColumns}) instead of once per token:
 * on the matrix units where the device has them, else on the scalar tiles. {@code -Dtandem.moe.kernel=
 * coopmat|emulated|matmul|matvec} forces one; {@code emulated} is the matrix units' kernel with its
 * fragment operations in plain GLSL (tests on devices without them), {@code matvec} the ungrouped
 * product of every (token, expert) pair (the decode kernel with the expert ids).
 */
public enum ExpertKernel {
    COOPMAT("coopmat", 32),
    EMULATED("emulated", 32),
    MATMUL("matmul", 64),
    MATVEC("matvec", 0);

    private final String label;
    private final int tileColumns;

    ExpertKernel(String label, int tileColumns) {
        this.label = label;
        this.tileColumns = tileColumns;
    }

    public String label() { return label; }

    /** Pairs per tile of a grouped kernel: the token side of {@link CoopmatTile#EXPERTS} or of matmul.comp; 0 for matvec. */
    public int tileColumns() { return tileColumns; }

    public boolean grouped() { return this != MATVEC; }

    /** Whether the product reads its input as float16 rows (to_halves.comp) rather than floats. */
    public boolean onHalves() { return this == COOPMAT || this == EMULATED; }

    /**
     * The kernel for a device: the property when set, else the matrix units where the device has them
     * (on an H100, Qwen3-30B-A3B Q4_K pp512 9,383 tokens/s against 513 on the scalar tiles, and the
     * same greedy text as the CPU on llama.cpp's tiny mixtures, 2026-12-07), else the scalar tiles.
     */
    public static ExpertKernel choose(PhysicalDevice device) {
        return choose(PromptKernel.COOPMAT.availableOn(device));
    }

    static ExpertKernel choose(boolean cooperativeMatrix) {
        String forced = System.getProperty("tandem.moe.kernel");
        if (forced == null || forced.isBlank()) return cooperativeMatrix ? COOPMAT : MATMUL;
        for (ExpertKernel k : values()) {
            if (k.label.equals(forced.strip().toLowerCase(Locale.ROOT))) {
                if (k == COOPMAT && !cooperativeMatrix) {
                    throw new TandemException("-Dtandem.moe.kernel=coopmat needs VK_KHR_cooperative_matrix with 16x16x16 float16 "
                            + "matrices, which this device lacks; use emulated, matmul or matvec");
                }
                return k;
            }
        }
        throw new TandemException("unknown expert kernel -Dtandem.moe.kernel=" + forced + "; use coopmat, emulated, matmul or matvec");
    }
}
