package tandem.engine.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.SharedData;
import tandem.engine.gguf.TensorInfo;
import tandem.engine.api.Backend;
import tandem.engine.api.DeviceInfo;
import tandem.engine.api.DevicePlan;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.SplitMode;
import tandem.engine.api.TandemException;
import tandem.engine.model.TensorLayout;

/** Plans for llama.cpp's reference models, read from their GGUF headers. */
class ReferenceModelPlanTest {
    private static final Path REFERENCE = SharedData.data("models/reference");
    private static final List<DeviceInfo> GPUS = List.of(
            new DeviceInfo(0, "gpu-a", "test", "test", "discrete", 1L << 30, 1L << 30, 32, List.of()),
            new DeviceInfo(1, "gpu-b", "test", "test", "discrete", 1L << 30, 1L << 30, 32, List.of()));

    private static EngineOptions options(List<Integer> devices, List<Double> split, SplitMode mode, int ctx) {
        return new EngineOptions(Backend.VULKAN, devices, split, mode, ctx);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"f32", "f16", "bf16", "q8_0", "q4_0", "q4_1", "q5_0", "q5_1", "q2_k", "q3_k", "q4_k", "q5_k", "q6_k", "iq4_nl",
            "iq4_xs", "q4_k_m", "q5_k_m"})
    void tensorSplitSlicesAddUpToTheFilesTensorBytes(String type) {
        Path model = REFERENCE.resolve("llama-" + type + ".gguf");
        long fileTensorBytes;
        try (GgufFile f = GgufFile.open(model)) {
            fileTensorBytes = f.tensors().stream().mapToLong(TensorInfo::byteSize).sum();
        }
        for (List<Double> split : List.of(List.of(1.0, 1.0), List.of(1.0, 3.0))) {
            SplitPlan p = SplitPlanning.plan(model, options(List.of(0, 1), split, SplitMode.TENSOR, 64), GPUS);
            ModelShape m = p.model();
            assertEquals(fileTensorBytes, m.tensorBytes());
            long replicated = m.tensors().stream().filter(t -> TensorRole.of(t.name()) == TensorRole.REPLICATED)
                    .mapToLong(TensorLayout::bytes).sum();
            long tiedCopy = m.tiedEmbedding() ? m.tensor("token_embd.weight").orElseThrow().bytes() : 0;
            // the K-quants' and IQ4_XS's 256-wide blocks span attn_output's heads: devices hold
            // their columns of it as F16
            long reencoded = ReencodedBytes.extra(p, 2);
            assertEquals(type.contains("k") || type.equals("iq4_xs"), reencoded > 0, type);
            assertEquals(fileTensorBytes + replicated + tiedCopy + reencoded,
                    p.loadPlan().devices().stream().mapToLong(DevicePlan::weightBytes).sum(), type + " " + split);
            // 2 layers x 64 positions x 2 KV heads x 64 x (K and V) x 2 bytes, split with the heads
            assertEquals(2L * 64 * 2 * 64 * 4, p.loadPlan().devices().stream().mapToLong(DevicePlan::kvCacheBytes).sum());
            assertTrue(p.loadPlan().fits());
        }
    }

    @Test
    void twoLogicalDevicesOnOneGpuShareItsFreeMemory() {
        SplitPlan p = SplitPlanning.plan(REFERENCE.resolve("llama-q8_0.gguf"),
                options(List.of(0, 0), List.of(), SplitMode.LAYER, 0), GPUS);
        assertEquals(List.of(1L << 29, 1L << 29), p.loadPlan().devices().stream().map(DevicePlan::freeBytes).toList());
        assertEquals(List.of(0, 0), p.loadPlan().devices().stream().map(DevicePlan::physicalIndex).toList());
    }

    @Test
    void unknownDeviceIndexIsRefused() {
        TandemException e = assertThrows(TandemException.class, () -> SplitPlanning.plan(
                REFERENCE.resolve("llama-q8_0.gguf"), options(List.of(0, 2), List.of(), SplitMode.TENSOR, 0), GPUS));
        assertEquals("no Vulkan device 2; 'tandem devices' lists 0..1", e.getMessage());
    }
}
