package tandem.engine.vulkan;

import java.util.Locale;
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
