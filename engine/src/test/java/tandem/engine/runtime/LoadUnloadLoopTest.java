package tandem.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tandem.engine.Engine;
import tandem.engine.api.Backend;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadProgress;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.SplitMode;
import tandem.engine.gguf.SharedData;

/**
 * Models swapped many times in one process, as a desktop user does: after every unload the
 * process holds no more threads or open files than after the first load, and no mapping of the
 * model file is left. Each Vulkan load opens its own devices and VMA allocators and destroys them
 * on close (their own leak checks run then), so what could leak across loads is process-level;
 * ReloadOneAllocatorTest and ReloadSplitAllocatorsTest hold devices open across loads and check
 * their allocators.
 *
 * <p>20 loads per mode in CI; {@code -Dtandem.reliability.full=true} runs 200.
 */
class LoadUnloadLoopTest {
    private static final int LOADS = Boolean.getBoolean("tandem.reliability.full") ? 200 : 20;
    private static final int WARM_UP = 2;
    private static final Path MODEL = SharedData.data("models/stories260K.gguf");

    enum Mode {
        CPU(new EngineOptions(Backend.CPU, List.of(), List.of(), SplitMode.NONE, 64)),
        ONE_DEVICE(new EngineOptions(Backend.VULKAN, List.of(0), List.of(), SplitMode.NONE, 64)),
        TENSOR_SPLIT(new EngineOptions(Backend.VULKAN, List.of(0, 0), List.of(), SplitMode.TENSOR, 64)),
        LAYER_SPLIT(new EngineOptions(Backend.VULKAN, List.of(0, 0), List.of(), SplitMode.LAYER, 64));

        final EngineOptions options;
        Mode(EngineOptions options) { this.options = options; }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void loadsAndUnloadsLeakNothing(Mode mode) throws IOException {
        int threadsAfterWarmUp = 0, filesAfterWarmUp = 0;
        int maxThreads = 0, maxFiles = 0;
        for (int load = 0; load < LOADS; load++) {
            try (LoadedModel model = Engine.load(MODEL, mode.options, LoadProgress.NONE, () -> false)) {
                assertTrue(model.info().vocabSize() > 0);
            }
            int threads = liveThreads(), files = openFiles();
            assertEquals(0, modelMappings(), mode + " load " + load + ": the model file is still mapped after close");
            if (load == WARM_UP - 1) {
                threadsAfterWarmUp = threads;
                filesAfterWarmUp = files;
            } else if (load >= WARM_UP) {
                maxThreads = Math.max(maxThreads, threads);
                maxFiles = Math.max(maxFiles, files);
                // Other tests' pools may settle meanwhile: a small slack, never growth per load.
                assertTrue(threads <= threadsAfterWarmUp + 2, mode + " load " + load + ": threads " + threadsAfterWarmUp + " -> " + threads);
                assertTrue(files <= filesAfterWarmUp + 2, mode + " load " + load + ": open files " + filesAfterWarmUp + " -> " + files);
            }
        }
        System.out.printf("LoadUnloadLoopTest %s: %d loads, threads %d -> max %d, open files %d -> max %d, model mappings after close 0%n",
                mode, LOADS, threadsAfterWarmUp, maxThreads, filesAfterWarmUp, maxFiles);
    }

    private static int liveThreads() { return ManagementFactory.getThreadMXBean().getThreadCount(); }

    private static int openFiles() throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        }
    }

    private static int modelMappings() throws IOException {
        String name = MODEL.toRealPath().toString();
        return (int) Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.endsWith(name)).count();
    }
}
