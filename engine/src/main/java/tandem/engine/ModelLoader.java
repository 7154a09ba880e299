package tandem.engine;

import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import tandem.engine.api.Backend;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadPlan;
import tandem.engine.api.LoadProgress;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.ModelInfo;
import tandem.engine.api.SplitMode;
import tandem.engine.api.TandemException;
import tandem.engine.api.Tokenizer;
import tandem.engine.chat.ChatTemplate;
import tandem.engine.cpu.CpuPlanner;
import tandem.engine.cpu.CpuRunner;
import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.GgufSummary;
import tandem.engine.model.ModelConfig;
import tandem.engine.model.ModelConfigReader;
import tandem.engine.model.ModelTensors;
import tandem.engine.parallel.PlanFit;
import tandem.engine.parallel.SplitPlanning;
import tandem.engine.runtime.BackendModel;
import tandem.engine.runtime.ModelRunner;
import tandem.engine.tokenizer.Tokenizers;

/**
 * Opens a model file, validates it, and puts it on the backend the options choose. The backend
 * supplies only a {@link ModelRunner}; everything else about a loaded model is shared.
 */
final class ModelLoader {
    private ModelLoader() {}

    /**
     * The backend a request means. AUTO picks Vulkan when a GPU is present; a CPU-only Vulkan
     * driver (lavapipe) is slower than the CPU backend, so it is used only when asked for.
     */
    static Backend resolve(Backend requested) {
        return switch (requested) {
            case CPU -> Backend.CPU;
            case VULKAN -> Backend.VULKAN;
            case AUTO -> Engine.devices().stream().anyMatch(d -> !d.type().equals("cpu")) ? Backend.VULKAN : Backend.CPU;
        };
    }

    static LoadPlan plan(Path model, EngineOptions options) {
        Backend backend = resolve(options.backend());
        try (GgufFile file = GgufFile.open(model)) {
            ModelConfig config = ModelConfigReader.read(file);
            return planOn(backend, file, config, ModelTensors.bind(file, config), options);
        }
    }

    private static LoadPlan planOn(Backend backend, GgufFile file, ModelConfig config, ModelTensors tensors, EngineOptions options) {
        int context = SplitPlanning.contextLength(options, config);
        return switch (backend) {
            case CPU -> CpuPlanner.plan(config, tensors, options, context);
            case VULKAN -> SplitPlanning.plan(file.path(), options, Engine.devices()).loadPlan();
            case AUTO -> throw new IllegalStateException("unresolved backend " + backend + " for " + file.path());
        };
    }

    private static ModelRunner loadVulkan(GgufFile file, ModelConfig config, ModelTensors tensors, LoadPlan plan,
                                          EngineOptions options, LoadProgress progress, BooleanSupplier cancelled) {
        if (plan.mode() != SplitMode.NONE && plan.devices().size() > 1) {
            return tandem.engine.parallel.SplitRunner.load(file, config, tensors,
                    SplitPlanning.plan(file.path(), options, Engine.devices()), plan.contextLength(),
                    tandem.engine.parallel.AllReduceMode.fromSystemProperty(), progress, cancelled);
        }
        if (plan.devices().size() != 1) {
            throw new TandemException("splitting a model over " + plan.devices().size()
                    + " devices is not available yet; choose one device with --devices");
        }
        return tandem.engine.vulkan.model.VulkanRunner.load(file, config, tensors, plan.devices().getFirst().physicalIndex(),
                plan.contextLength(), plan.cacheType(), progress, cancelled);
    }

    /**
     * Everything a load checks that does not depend on devices — the GGUF header and metadata, a
     * supported architecture, every tensor's name, shape and type, the tokenizer, the chat
     * template — without loading weights. A file that passes fails to load only for lack of memory.
     */
    static ModelInfo check(Path model) {
        try (GgufFile file = GgufFile.open(model)) {
            ModelConfig config = ModelConfigReader.read(file);
            ModelTensors.bind(file, config);
            Tokenizer tokenizer = Tokenizers.fromGguf(file);
            ChatTemplate.fromGguf(file, tokenizer);
            return GgufSummary.of(file).toModelInfo();
        }
    }

    static LoadedModel load(Path model, EngineOptions options, LoadProgress progress, BooleanSupplier cancelled) {
        Backend backend = resolve(options.backend());
        progress.update(0, "reading " + model.getFileName());
        GgufFile file = GgufFile.open(model);
        try {
            ModelConfig config = ModelConfigReader.read(file);
            ModelTensors tensors = ModelTensors.bind(file, config);
            LoadPlan plan = planOn(backend, file, config, tensors, options);
            PlanFit.requireFits(plan);
            Tokenizer tokenizer = Tokenizers.fromGguf(file);
            ChatTemplate template = ChatTemplate.fromGguf(file, tokenizer);
            ModelRunner runner = switch (backend) {
                case CPU -> CpuRunner.load(file, config, tensors, options.cacheType(), progress, cancelled);
                case VULKAN -> loadVulkan(file, config, tensors, plan, options, progress, cancelled);
                case AUTO -> throw new IllegalStateException("unresolved backend " + backend);
            };
            progress.update(1, "loaded");
            return new BackendModel(GgufSummary.of(file).toModelInfo().withFeatures(tandem.engine.model.ArchitectureFacts.describe(file)),
                    plan, runner, tokenizer, template::render, file);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }
}
