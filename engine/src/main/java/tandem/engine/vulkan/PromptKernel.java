package tandem.engine.vulkan;

import java.util.Locale;
import tandem.engine.api.DeviceInfo;
import tandem.engine.api.TandemException;

/**
 * The kernels that can compute a prompt's projections (steps of at least
 * {@link GpuOps#MATMUL_MIN_TOKENS} tokens), each with the name that {@code -Dtandem.prompt.kernel},
 * profiles, {@code tandem bench} and {@code tandem kernel-check} use for it.
 */
public enum PromptKernel {
    /** The matrix units through VK_KHR_cooperative_matrix (float16 operands, float32 sums). */
    COOPMAT("coopmat"),
    /** Scalar tiles in shared memory (matmul.comp). */
    MATMUL("matmul"),
    /** Matrix-vector for several tokens at once (matvec.comp with TB > 1). */
    MATVEC("matvec");

    private final String label;

    PromptKernel(String label) {
        this.label = label;
    }

    public String label() { return label; }

    /** Whether the device can run it: coopmat needs {@link PhysicalDevice.Features#cooperativeMatrix()}. */
    public boolean availableOn(PhysicalDevice device) {
        return availableWith(device.features().cooperativeMatrix());
    }

    boolean availableWith(boolean cooperativeMatrix) {
        return this != COOPMAT || cooperativeMatrix;
    }

    /**
     * The kernel prompts use on a device: {@code -Dtandem.prompt.kernel=coopmat|matmul|matvec} when
     * set (coopmat only where available, else an error), else coopmat where the device has it, else
     * the multi-token matrix-vector kernel (it measured faster than the scalar tiles on an H100).
     *
     * @param cooperativeMatrix whether the device can run {@link #COOPMAT}
     */
    public static PromptKernel choose(boolean cooperativeMatrix) {
        String forced = System.getProperty("tandem.prompt.kernel");
        if (forced == null || forced.isBlank()) return cooperativeMatrix ? COOPMAT : MATVEC;
        PromptKernel k = parse(forced);
        if (!k.availableWith(cooperativeMatrix)) {
            throw new TandemException("-Dtandem.prompt.kernel=" + forced + " needs VK_KHR_cooperative_matrix with 16x16x16 "
                    + "float16 matrices, which this device lacks; use matmul or matvec");
        }
        return k;
    }

    public static PromptKernel choose(PhysicalDevice device) {
        return choose(device.features().cooperativeMatrix());
    }

    /** The same choice from what {@code tandem devices} reports (for callers outside the backend). */
    public static PromptKernel choose(DeviceInfo device) {
        return choose(device.features().contains(PhysicalDevice.Features.COOPMAT));
    }

    public static PromptKernel parse(String name) {
        for (PromptKernel k : values()) if (k.label.equals(name.strip().toLowerCase(Locale.ROOT))) return k;
        throw new TandemException("unknown prompt kernel '" + name + "'; use coopmat, matmul or matvec");
    }
}
