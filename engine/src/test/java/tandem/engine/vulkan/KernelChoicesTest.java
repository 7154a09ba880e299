package tandem.engine.vulkan;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import tandem.engine.api.CacheType;
import tandem.engine.api.DeviceInfo;
import tandem.engine.api.DevicePlan;

/** The line benchmarks print names the prompt attention and the decode path each device really takes. */
class KernelChoicesTest {
    private static final DeviceInfo GPU = new DeviceInfo(0, "gpu", "NVIDIA", "test", "discrete", 1L << 34, 1L << 34, 32,
            List.of("fp16", "int8", "int-dot", "coopmat"));
    private static final DeviceInfo LAVAPIPE = new DeviceInfo(0, "llvmpipe", "Mesa", "test", "cpu", 1L << 30, 1L << 30, 8,
            List.of("fp16", "int8", "int-dot"));
    private static final List<DevicePlan> ONE = List.of(new DevicePlan(0, 0, "device", 1.0, 0, 0, 0, 1L << 30, 32, 32));

    @AfterEach
    void clear() {
        System.clearProperty("tandem.prompt.attention");
        System.clearProperty(Int8Decode.PROPERTY);
    }

    @Test
    void aGpuWithMatrixUnitsTakesTheMatrixUnitAttentionAndInt8Decode() {
        String line = KernelChoices.describe(ONE, List.of(GPU), 128, CacheType.F16);
        assertTrue(line.contains("attention coopmat, decode int8 on device 0 (gpu)"), line);
    }

    @Test
    void headSizesWithoutABuildOtherCachesAndForcedKernelsTakeTheTiledAttention() {
        assertTrue(KernelChoices.describe(ONE, List.of(GPU), 80, CacheType.F16).contains("attention tiled"));
        assertTrue(KernelChoices.describe(ONE, List.of(GPU), 128, CacheType.Q8_0).contains("attention tiled"));
        System.setProperty("tandem.prompt.attention", "tiled");
        assertTrue(KernelChoices.describe(ONE, List.of(GPU), 128, CacheType.F16).contains("attention tiled"));
    }

    @Test
    void aCpuImplementationKeepsTheFloatDecodeUnlessAsked() {
        String line = KernelChoices.describe(ONE, List.of(LAVAPIPE), 64, CacheType.F16);
        assertTrue(line.contains("attention tiled, decode float"), line);
        System.setProperty(Int8Decode.PROPERTY, "true");
        assertTrue(KernelChoices.describe(ONE, List.of(LAVAPIPE), 64, CacheType.F16).contains("decode int8"));
        System.setProperty(Int8Decode.PROPERTY, "false");
        assertTrue(KernelChoices.describe(ONE, List.of(GPU), 64, CacheType.F16).contains("decode float"));
    }
}
