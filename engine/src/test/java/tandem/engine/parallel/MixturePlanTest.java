package tandem.engine.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.SharedData;
import tandem.engine.api.Backend;
import tandem.engine.api.DeviceInfo;
import tandem.engine.api.DevicePlan;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.SplitMode;
import tandem.engine.model.ModelConfig;
import tandem.engine.model.ModelConfigReader;
import tandem.engine.model.TensorLayout;
import tandem.engine.vulkan.model.SequenceBuffers;

/**
 * Plans of mixtures count the experts: under tensor split the devices' slices of the 3-D expert
 * tensors add up to the file's, the replicated router and norms are on each device, gpt-oss's
 * output biases on one; the plan says how much of each device's weights are experts.
 */
class MixturePlanTest {
    private static final List<DeviceInfo> GPUS = List.of(
            new DeviceInfo(0, "gpu-a", "test", "test", "discrete", 1L << 30, 1L << 30, 32, List.of()),
            new DeviceInfo(1, "gpu-b", "test", "test", "discrete", 1L << 30, 1L << 30, 32, List.of()));

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"qwen3moe-q8_0", "gpt-oss-mxfp4_moe", "gpt-oss-f32"})
    void tensorSplitCountsEveryExpertOnce(String name) {
        Path model = SharedData.data("models/arch/" + name + ".gguf");
        SplitPlan p = SplitPlanning.plan(model, new EngineOptions(Backend.VULKAN, List.of(0, 1), List.of(1.0, 1.0),
                SplitMode.TENSOR, 64), GPUS);
        ModelShape m = p.model();
        long experts = m.tensors().stream().filter(t -> t.matrices() > 1).mapToLong(TensorLayout::bytes).sum();
        assertTrue(experts > m.tensorBytes() / 3, name + ": the experts are most of the model");
        assertEquals(experts, m.tensors().stream().filter(t -> t.matrices() > 1)
                .mapToLong(t -> p.sliceOf(0, t).bytes() + p.sliceOf(1, t).bytes()).sum());
        long replicated = m.tensors().stream().filter(t -> TensorRole.of(t.name()) == TensorRole.REPLICATED)
                .mapToLong(TensorLayout::bytes).sum();
        assertEquals(m.tensorBytes() + replicated, p.loadPlan().devices().stream().mapToLong(DevicePlan::weightBytes).sum(), name);
        assertTrue(p.loadPlan().notes().stream().anyMatch(n -> n.startsWith("experts (")), p.loadPlan().notes().toString());
    }

    /**
     * The plan's scratch for one device is what the runner allocates for the mixture: gate and up hold
     * one row of the expert width per chosen expert and token, plus the router logits, expert ids and
     * weights, the pairs' grouping and their down products.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"qwen3moe-q8_0", "gpt-oss-mxfp4_moe"})
    void scratchCountsTheChosenExpertsActivations(String name) {
        Path model = SharedData.data("models/arch/" + name + ".gguf");
        SplitPlan p = SplitPlanning.plan(model, new EngineOptions(Backend.VULKAN, List.of(0), List.of(1.0), SplitMode.NONE, 64), GPUS);
        ModelConfig config;
        try (GgufFile file = GgufFile.open(model)) {
            config = ModelConfigReader.read(file);
        }
        assertEquals(SequenceBuffers.scratchBytes(config, SplitRunner.MAX_BATCH, SplitRunner.MAX_LOGIT_ROWS),
                p.loadPlan().devices().getFirst().scratchBytes(), name);
        long gateUp = 2L * 4 * SplitRunner.MAX_BATCH * config.experts().used() * config.experts().ffn();
        assertTrue(p.loadPlan().devices().getFirst().scratchBytes() > gateUp, name + ": gate and up of every chosen expert");
    }
}
