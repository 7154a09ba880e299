package tandem.engine.parallel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tandem.engine.Engine;
import tandem.engine.api.Backend;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.SplitMode;
import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.SharedData;
import tandem.engine.model.ModelConfig;
import tandem.engine.model.ModelConfigReader;
import tandem.engine.model.ModelTensors;
import tandem.engine.vulkan.ReloadLoop;
import tandem.engine.vulkan.VulkanDevice;
import tandem.engine.vulkan.VulkanInstance;
import tandem.engine.vulkan.WithoutValidationLayer;

/**
 * A model split over two logical devices of Vulkan device 0, loaded, run and unloaded again and
 * again on devices that stay open: after every unload each device's VMA allocator holds exactly
 * what it held before the first load (weights, caches, all-reduce buffers and step recordings all
 * given back).
 *
 * <p>Without the validation layer, as the other split tests (see {@link WithoutValidationLayer}).
 */
@ExtendWith(WithoutValidationLayer.class)
class ReloadSplitAllocatorsTest {
    private static final int CONTEXT = 64;
    private static final Path MODEL = SharedData.data("models/stories260K.gguf");

    @ParameterizedTest
    @EnumSource(value = SplitMode.class, names = {"TENSOR", "LAYER"})
    void everyUnloadReturnsEachAllocatorToWhereItStarted(SplitMode mode) {
        SplitPlan plan = SplitPlanning.plan(MODEL, new EngineOptions(Backend.VULKAN, List.of(0, 0), List.of(), mode, CONTEXT),
                Engine.devices());
        List<VulkanDevice> devices = new ArrayList<>();
        try (VulkanInstance instance = VulkanInstance.create(); GgufFile file = GgufFile.open(MODEL)) {
            try {
                for (int d = 0; d < 2; d++) devices.add(VulkanDevice.open(instance, 0));
                ModelConfig config = ModelConfigReader.read(file);
                ModelTensors tensors = ModelTensors.bind(file, config);
                String figures = ReloadLoop.run(devices, () -> SplitRunner.loadOnto(devices, file, config, tensors, plan, CONTEXT,
                        AllReduceMode.fromSystemProperty()), CONTEXT);
                System.out.println("ReloadSplitAllocatorsTest " + mode + " split: " + figures);
            } finally {
                devices.reversed().forEach(VulkanDevice::close);
            }
        }
    }
}
