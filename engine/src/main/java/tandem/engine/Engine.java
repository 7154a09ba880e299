package tandem.engine;

import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;

import tandem.engine.api.DeviceInfo;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadPlan;
import tandem.engine.api.LoadProgress;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.ModelInfo;
import tandem.engine.api.TandemException;
import tandem.engine.api.Tokenizer;

/**
 * The engine's front door: everything the app and the CLI need, as static entry points.
 * Each call delegates to the package that owns the concern.
 */
public final class Engine {
    private Engine() {}

    /**
     * Loads the engine's native libraries (LWJGL, the Vulkan loader, VMA) on the calling thread.
     * Call it before starting a GUI toolkit or any other thread that loads native code: LWJGL's
     * library loading can deadlock glibc's loader against a concurrent {@code dlopen}. Idempotent;
     * a missing Vulkan loader is reported later by {@link #devices()}, not here.
     */
    public static void loadNativeLibraries() {
        tandem.engine.vulkan.NativeLibraries.load();
    }

    /** Vulkan devices in {@code tandem devices} order; an empty list when no Vulkan driver or device exists. */
    public static List<DeviceInfo> devices() {
        return tandem.engine.vulkan.VulkanDevices.list();
    }

    /** Reads a model's facts without loading weights. */
    public static ModelInfo inspect(Path model) {
        try (tandem.engine.gguf.GgufFile file = tandem.engine.gguf.GgufFile.open(model)) {
            return tandem.engine.gguf.GgufSummary.of(file).toModelInfo()
                    .withFeatures(tandem.engine.model.ArchitectureFacts.describe(file));
        }
    }

    /**
     * Checks that a model file can be loaded — header, metadata, architecture, tensor shapes and
     * types, tokenizer, chat template — without loading weights, and returns its facts.
     *
     * @throws TandemException saying what is wrong with the file
     */
    public static ModelInfo check(Path model) {
        return ModelLoader.check(model);
    }

    /**
     * Reads only the tokenizer of a model file (fast even for a 40 GB file: the weights are not read).
     *
     * @throws TandemException when the file is not a readable GGUF or has no tokenizer
     */
    public static Tokenizer tokenizer(Path model) {
        try (tandem.engine.gguf.GgufFile file = tandem.engine.gguf.GgufFile.open(model)) {
            return tandem.engine.tokenizer.Tokenizers.fromGguf(file);
        }
    }

    /** Which kernels a loaded model's prompts run on each GPU, in one line (benchmarks print it beside their figures). */
    public static String describePromptKernels(LoadedModel model) {
        return tandem.engine.vulkan.KernelChoices.describe(model.plan().devices(), devices(), model.info().headDim(),
                model.plan().cacheType());
    }

    /** Plans a load without loading anything: per-device bytes, fits or not. */
    public static LoadPlan plan(Path model, EngineOptions options) {
        return ModelLoader.plan(model, options);
    }

    /**
     * Loads a model. Refuses a plan that does not fit before allocating anything.
     *
     * @param cancelled polled during the load; when it turns true the load stops, frees what it
     *                  allocated and throws {@link TandemException} "load cancelled"
     */
    public static LoadedModel load(Path model, EngineOptions options, LoadProgress progress, BooleanSupplier cancelled) {
        return ModelLoader.load(model, options, progress, cancelled);
    }
}
