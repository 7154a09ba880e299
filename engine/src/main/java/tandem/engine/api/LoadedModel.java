package tandem.engine.api;

import java.util.List;

/** A model whose weights sit on a backend's devices. Closing it frees every device allocation. */
public interface LoadedModel extends AutoCloseable {
    ModelInfo info();

    /** The backend that runs it (CPU or VULKAN, never AUTO). */
    Backend backend();

    LoadPlan plan();

    Tokenizer tokenizer();

    /** Renders a conversation with the model's chat template (or the documented fallback). */
    String formatChat(List<ChatMessage> messages, boolean addGenerationPrompt);

    /** A new session with its own KV cache of the plan's context length. */
    Session newSession();

    MetricsSnapshot metrics();

    /** GPU time per kernel (per segment unless profiling is on), most expensive first; empty on the CPU. */
    default java.util.List<KernelTime> kernelTimes() { return java.util.List.of(); }

    /** Host time per phase of the steps (submit, wait for the GPU, logits copy ...), in step order; empty where not measured. */
    default java.util.List<KernelTime> hostTimes() { return java.util.List.of(); }

    /** Forward steps run since the load and the sequences they held (a model without shared steps: none counted). */
    default StepCounts stepCounts() { return new StepCounts(0, 0); }

    @Override
    void close();
}
