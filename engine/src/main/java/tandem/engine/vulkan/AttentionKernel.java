package tandem.engine.vulkan;

import java.util.Locale;
import tandem.engine.api.CacheType;
import tandem.engine.api.TandemException;

/**
 * The kernels that can compute a prompt's attention (steps of at least
 * {@link GpuOps#MATMUL_MIN_TOKENS} tokens, no sinks), with the names that
 * {@code -Dtandem.prompt.attention} and {@code tandem kernel-check} use for them.
 */
public enum AttentionKernel {
    /** Q·K and P·V on the matrix units (attention_coopmat.comp), where the device and head size allow. */
    COOPMAT("coopmat"),
    /** The same kernel with its fragment operations emulated (CI's check of it; head size 64). */
    EMULATED("emulated"),
    /** Scalar tiles: each cache tile staged once for 32 queries (attention_prompt.comp). */
    TILED("tiled"),
    /** The per-token kernel that decode uses. */
    ROWS("rows");

    private final String label;

    AttentionKernel(String label) {
        this.label = label;
    }

    public String label() { return label; }

    /**
     * Whether a prompt's attention goes to the matrix units, given the kernel asked for (null: the
     * default) and the cache type: they read F16 caches only, and are the default since an H100
     * passed kernel-check --attention and ran 8B Q4_K pp2048 at 7351 tokens/s on them against 3499
     * tiled (2026-12-07). The device and head size decide the rest ({@link Kernels#attentionCoopmat}).
     */
    public static boolean wantsMatrixUnits(AttentionKernel asked, CacheType cache) {
        return cache == CacheType.F16 && (asked == null || asked == COOPMAT || asked == EMULATED);
    }

    /**
     * What {@code -Dtandem.prompt.attention=coopmat|tiled|rows} asks for, or null when it is not
     * set: then each prompt takes the first of coopmat, tiled and rows that serves it.
     */
    public static AttentionKernel forced() {
        String v = System.getProperty("tandem.prompt.attention");
        if (v == null || v.isBlank()) return null;
        for (AttentionKernel k : values()) {
            if (k != EMULATED && k.label.equals(v.strip().toLowerCase(Locale.ROOT))) return k;
        }
        throw new TandemException("unknown -Dtandem.prompt.attention=" + v + "; use coopmat, tiled or rows");
    }
}
