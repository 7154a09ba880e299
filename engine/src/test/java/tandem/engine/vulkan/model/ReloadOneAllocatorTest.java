package tandem.engine.vulkan.model;

import java.util.List;
import org.junit.jupiter.api.Test;
import tandem.engine.api.CacheType;
import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.SharedData;
import tandem.engine.model.ModelConfig;
import tandem.engine.model.ModelConfigReader;
import tandem.engine.model.ModelTensors;
import tandem.engine.vulkan.ReloadLoop;
import tandem.engine.vulkan.VulkanTestBase;

/**
 * A model loaded, run and unloaded again and again on one device that stays open: after every
 * unload its VMA allocator holds exactly what it held before the first load. (A normal load opens
 * its own device and allocator and destroys them on close; this holds one across loads.)
 */
class ReloadOneAllocatorTest extends VulkanTestBase {
    private static final int CONTEXT = 64;

    @Test
    void everyUnloadReturnsTheAllocatorToWhereItStarted() {
        try (GgufFile file = GgufFile.open(SharedData.data("models/stories260K.gguf"))) {
            ModelConfig config = ModelConfigReader.read(file);
            ModelTensors tensors = ModelTensors.bind(file, config);
            String figures = ReloadLoop.run(List.of(device),
                    () -> VulkanRunner.loadOnto(device, file, config, tensors, CONTEXT, CacheType.F16), CONTEXT);
            System.out.println("ReloadOneAllocatorTest one device: " + figures);
        }
    }
}
