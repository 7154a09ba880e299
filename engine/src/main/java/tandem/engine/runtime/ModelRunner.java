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
     * One sequence's share of a step that several sequences run together: its tokens go into its
     * own state's cache from {@code position} on and attend to that cache only.
     *
     * @param logits whether the last position's logits are wanted (a prompt chunk before the last needs none)
     * @param into   an array of {@code vocab} floats the logits may be written to (one reused step after step:
     *               the GPU backends do), or null for a new array; the step's result names the array used
     */
    record BatchPart(State state, int[] tokens, int position, boolean logits, float[] into) {
        /** A part whose logits, if wanted, come in a new array. */
        public BatchPart(State state, int[] tokens, int position, boolean logits) {
            this(state, tokens, position, logits, null);
        }

        /**
         * The array this part's logits row goes to: {@link #into} where given, else a new one. A new
         * half-megabyte row per step (128K vocabularies) costs more than the copy itself: the JVM hands
         * out fresh heap pages that fault in on first touch (~300 µs a step measured, with the GPU idle).
         */
        public float[] logitsRow(int vocab) {
            return into != null && into.length == vocab ? into : new float[vocab];
        }
    }

    /**
     * Evaluates several sequences (distinct states of this runner) in one step and returns, per
     * part, the last position's logits, or null where none were asked for. Backends override it to
     * read each weight once for all the parts' rows (a step of N decoding sequences is one product
     * of N rows); the default evaluates the parts one after another, with the same results.
     */
    default java.util.List<float[]> forwardBatch(java.util.List<BatchPart> parts) {
        java.util.List<float[]> out = new java.util.ArrayList<>(parts.size());
        for (BatchPart p : parts) {
            if (p.logits()) {
                out.add(p.into() != null ? p.state().forwardInto(p.tokens(), p.position(), p.into())
                        : p.state().forward(p.tokens(), p.position(), false));
            } else {
                p.state().append(p.tokens(), p.position());
                out.add(null);
            }
        }
        return out;
    }

    /** Token rows (all parts together) one {@link #forwardBatch} step takes at most. */
    default int maxBatchRows() {
        return 512;
    }

    /**
     * The devices' figures over a measurement window of {@code windowNanos} in which the engine
     * spent {@code forwardNanos} inside {@link State#forward} evaluating {@code tokens} tokens.
     * A GPU backend may use its own timestamps instead of the engine's wall-clock figures.
     */
    List<DeviceMetrics> deviceMetrics(long windowNanos, long forwardNanos, long tokens);

    /** GPU time per kernel or segment since load, most expensive first; empty where not measured. */
    default List<KernelTime> kernelTimes() { return List.of(); }

    /** Host time per phase of the steps (submit, wait, logits copy ...) since load, in step order; empty where not measured. */
    default List<KernelTime> hostTimes() { return List.of(); }

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
         * {@link #forward} of the last position's logits, written into {@code into} where it holds
         * {@code vocab} floats, and returned (else a new array is): what a decode loop calls step after
         * step with one array. The backends write straight into it; this default copies.
         */
        default float[] forwardInto(int[] tokens, int position, float[] into) {
            float[] logits = forward(tokens, position, false);
            if (into == null || into.length != logits.length) return logits;
            System.arraycopy(logits, 0, into, 0, logits.length);
            return into;
        }

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
