package tandem.engine.runtime;

import java.util.List;
import tandem.engine.api.Backend;
import tandem.engine.api.DeviceMetrics;
import tandem.engine.api.KernelTime;
import tandem.engine.api.TandemException;
import tandem.engine.model.ModelConfig;

/**
 * A backend's forward pass over one loaded model: what the CPU and Vulkan backends implement and
 * all the rest of the engine (sessions, sampling, metrics, the CLI) builds on. Tokens go in,
 * logits come out; each {@link State} owns one KV cache.
 */
public interface ModelRunner extends AutoCloseable {
    ModelConfig config();

    /** CPU or VULKAN, never AUTO. */
    Backend backend();

    /**
     * Prompt tokens per call while a session prefills: large enough to fill the device's batched
     * kernels, small enough that cancel answers quickly (sessions check it between calls).
     */
    default int prefillChunk() {
        return 64;
    }

    /** A new, empty KV cache holding {@code contextLength} positions. */
    State newState(int contextLength);

    /**
     * The devices' figures over a measurement window of {@code windowNanos} in which the engine
     * spent {@code forwardNanos} inside {@link State#forward} evaluating {@code tokens} tokens.
     * A GPU backend may use its own timestamps instead of the engine's wall-clock figures.
     */
    List<DeviceMetrics> deviceMetrics(long windowNanos, long forwardNanos, long tokens);

    /** GPU time per kernel or segment since load, most expensive first; empty where not measured. */
    default List<KernelTime> kernelTimes() { return List.of(); }

    /** Frees everything the runner holds; states must not be used afterwards. */
    @Override
    void close();

    /** One sequence's KV cache on the backend. */
    interface State extends AutoCloseable {
        /** Positions the cache holds. */
        int capacity();

        /**
         * Evaluates tokens at positions [position, position + tokens.length), storing their keys and
         * values, and returns the logits of the last position ({@code vocab} floats), or of every
         * position ({@code tokens.length * vocab} floats, position-major) when allPositions.
         * Positions from {@code position} on are overwritten, so rewinding is just a smaller position.
         */
        float[] forward(int[] tokens, int position, boolean allPositions);

        /**
         * Like {@link #forward} but only fills the cache: for prompt chunks before the last one,
         * whose logits nobody reads (the output projection is the largest matrix of small models).
         * Backends override it to skip the logits; the default computes and drops them.
         */
        default void append(int[] tokens, int position) {
            forward(tokens, position, false);
        }

        /**
         * The smallest position the next step may start at: a cache that keeps only a window of
         * some layers (a ring) cannot rewind further back than the window it still holds; the
         * caller then evaluates the sequence again from 0 (always allowed). 0 where any rewind works.
         */
        default int earliestContinuation() { return 0; }

        @Override
        void close();

        /**
         * The checks every backend makes before a forward pass, in one place so that each backend
         * refuses bad input with the same message: at least one token, positions inside the cache,
         * ids inside the vocabulary.
         */
        static void checkInput(int[] tokens, int position, int capacity, int vocab) {
            if (tokens.length == 0) throw new IllegalArgumentException("forward needs at least one token");
            if (position < 0 || position + tokens.length > capacity) {
                throw new TandemException("context full (" + capacity + " tokens); start a new conversation or load with a larger --ctx");
            }
            for (int id : tokens) {
                if (id < 0 || id >= vocab) {
                    throw new TandemException("token id " + id + " is outside the vocabulary (0.." + (vocab - 1) + ")");
                }
            }
        }
    }
}
