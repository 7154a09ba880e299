package tandem.engine.runtime;

import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import tandem.engine.cpu.CpuPlanner;
import tandem.engine.cpu.CpuRunner;
import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.GgufSummary;
import tandem.engine.model.ModelConfig;
import tandem.engine.model.ModelConfigReader;
import tandem.engine.model.ModelTensors;
import tandem.engine.parallel.SplitPlanning;
import tandem.engine.tokenizer.Tokenizer;
import tandem.engine.tokenizer.Tokenizers;

/**
 * Opens a model file, validates it, and puts it on the backend the options choose. The backend
 * supplies only a {@link ModelRunner}; everything else about a loaded model is shared.
 */
final class ModelLoader {
    private ModelLoader() {}

    /**
     * The backend a request means. AUTO is the branch point for the Vulkan backend: it picks
     * Vulkan once that backend exists and a device is present; until then it is the CPU.
     */
    static Backend resolve(Backend requested) {
        return switch (requested) {
            case AUTO, CPU -> Backend.CPU;
            case VULKAN -> throw new TandemException("the Vulkan backend is not available in this build; use --backend cpu");
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
            case CPU -> CpuPlanner.plan(config, tensors, context);
            case AUTO, VULKAN -> throw new IllegalStateException("unresolved backend " + backend + " for " + file.path());
        };
    }

    /** Stands in until the chat package renders GGUF chat templates. */
    private static String chatTemplatePending(java.util.List<tandem.engine.chat.ChatMessage> messages, boolean addGenerationPrompt) {
        throw new TandemException("chat templates are not supported in this build yet; use 'tandem run'");
    }

    static LoadedModel load(Path model, EngineOptions options, LoadProgress progress, BooleanSupplier cancelled) {
        Backend backend = resolve(options.backend());
        progress.update(0, "reading " + model.getFileName());
        GgufFile file = GgufFile.open(model);
        try {
            ModelConfig config = ModelConfigReader.read(file);
            ModelTensors tensors = ModelTensors.bind(file, config);
            LoadPlan plan = planOn(backend, file, config, tensors, options);
            Tokenizer tokenizer = Tokenizers.fromGguf(file);
            ModelRunner runner = switch (backend) {
                case CPU -> CpuRunner.load(file, config, tensors, progress, cancelled);
                case AUTO, VULKAN -> throw new IllegalStateException("unresolved backend " + backend);
            };
            progress.update(1, "loaded");
            return new BackendModel(GgufSummary.of(file).toModelInfo(), plan, runner, tokenizer, ModelLoader::chatTemplatePending, file);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }
}
