package tandem.engine.vulkan;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import tandem.engine.api.TandemException;
import tandem.engine.tensor.GgmlType;

/**
 * The int8 decode products (issue #12): the input of a decode product quantized once to blocks of
 * 32 int8 codes with a float scale and the block's sum (GGML's q8_1; shaders/quantize_q8_1.comp),
 * and the weight·input dot products computed on packed int8 dot products
 * (shaders/matvec_i8.comp), as llama.cpp's Vulkan backend does for decode, instead of converting
 * every weight to float. The same path serves a mixture's decode experts (matvec_i8.comp built
 * with MOE: gate/up on the normed input quantized once per token, down on glu(gate, up) quantized
 * once per (token, expert) pair), where gate, up and down all have int8 layouts
 * ({@link #servesExperts}). The default on GPUs ({@link #wantedOn}). Devices without
 * shaderIntegerDotProduct, weight types without int8 layouts and steps of
 * {@link GpuOps#MATMUL_MIN_TOKENS}+ tokens keep the float kernels.
 */
public final class Int8Decode {
    private Int8Decode() {}

    public static final String PROPERTY = "tandem.decode.int8";

    /** Weight types whose layouts have int8 products (shaders/variants.txt builds matvec_i8 for each). */
    public static final Set<GgmlType> TYPES = Collections.unmodifiableSet(EnumSet.of(GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_1,
            GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K, GgmlType.IQ4_NL, GgmlType.IQ4_XS));

    /** Values per quantized input block (the q8_1 block). */
    public static final int BLOCK = 32;

    /**
     * Whether the int8 products are wanted on this device: as {@code -Dtandem.decode.int8=true|false}
     * says, else on every GPU and not on a CPU implementation of Vulkan. On an H100 they ran 8B Q4_K
     * decode at 236.6 tokens/s against 175.6 for the float kernels, Q4_0 at 247.6 against 209.2 and
     * Q8_0 even (2026-12-07); on lavapipe the dot products are emulated and gain nothing, and the
     * float kernels there stay the exact twin of the CPU engine that CI compares against. A value
     * other than true or false is a one-line error.
     */
    public static boolean wantedOn(PhysicalDevice device) {
        return wanted(device.type());
    }

    /** Whether a decode product takes the int8 path on this device ({@link #serves}, any type with int8 layouts), from what {@code tandem devices} reports. */
    public static boolean servesOn(tandem.engine.api.DeviceInfo device) {
        return wanted(device.type()) && device.features().contains(PhysicalDevice.Features.INT_DOT);
    }

    private static boolean wanted(String deviceType) {
        return flag(PROPERTY, !deviceType.equals("cpu"));
    }

    private static boolean flag(String property, boolean fallback) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) return fallback;
        if (v.strip().equals("true")) return true;
        if (v.strip().equals("false")) return false;
        throw new TandemException("-D" + property + "=" + v + ": use true or false");
    }

    /**
     * The mixture experts' own switch: {@code -Dtandem.moe.int8=false} keeps a decode step's experts on the
     * float products where the dense projections take the int8 ones. On by default: on an H100 the int8
     * experts ran Qwen3-30B-A3B Q4_K tg128 at 172.8 tokens/s against 163.0 and gave the CPU's greedy text
     * on llama.cpp's tiny mixtures (2026-12-07); CI checks them on lavapipe with the int8 decode forced on.
     */
    public static final String EXPERTS_PROPERTY = "tandem.moe.int8";

    /** Whether a decode step's experts of this type take the int8 products on this device. */
    public static boolean servesExperts(VulkanDevice device, GgmlType weightType) {
        return flag(EXPERTS_PROPERTY, true) && serves(device, weightType);
    }

    /** Whether the device can run the int8 products (packed int8 dot products in shaders). */
    public static boolean availableOn(PhysicalDevice device) {
        return device.features().integerDotProduct();
    }

    /** Whether a decode product of this weight takes the int8 path on this device: wanted, available, a type with int8 layouts. */
    public static boolean serves(VulkanDevice device, WeightTensor w) {
        return serves(device, w.type());
    }

    /** {@link #serves(VulkanDevice, WeightTensor)} by weight type. */
    public static boolean serves(VulkanDevice device, GgmlType weightType) {
        return wantedOn(device.physical()) && availableOn(device.physical()) && TYPES.contains(weightType);
    }

    /**
     * An input quantized by {@link GpuOps#quantizeInput}: {@code tokens} rows of {@code cols}
     * values, every block's 32 codes (8 words) first, then every block's (d, s) as two floats.
     */
    public record Input(BufferRange buffer, int cols, int tokens) {
        public Input {
            if (cols % BLOCK != 0) throw new IllegalArgumentException("int8 inputs come in blocks of 32 values, got " + cols);
            if (bytes(cols, tokens) > buffer.size()) {
                throw new IllegalArgumentException(tokens + " int8 rows of " + cols + " values need " + bytes(cols, tokens)
                        + " bytes, " + buffer.buffer().name() + " has " + buffer.size());
            }
        }

        public int blocksPerToken() { return cols / BLOCK; }

        /** The vec2 index of the first block's (d, s): after every block's 32 code bytes. */
        public int scalesIndex() { return 4 * tokens * blocksPerToken(); }
    }

    /** Bytes of a quantized input: 32 code bytes and two floats per block (1.25 bytes per value). */
    public static long bytes(int cols, int tokens) {
        return (long) tokens * (cols / BLOCK) * (BLOCK + 8);
    }
}
