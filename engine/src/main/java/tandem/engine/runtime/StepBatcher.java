package tandem.engine.runtime;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import tandem.engine.api.StepCounts;

/**
 * Lets the sessions of one model that generate at the same time share each forward step: every
 * session that takes part {@link #join joins} for the length of its generation and hands each step
 * (a decode token, or a prompt chunk) to {@link #run}; once every joined session has handed one in,
 * the last to arrive runs them all as one {@link ModelRunner#forwardBatch} step on its own thread
 * (so a session alone runs inline, as before) and the others wake with their logits. A step of N
 * decoding sequences is thus one product of N rows per weight, and a new request's prompt chunk
 * rides along with the others' decode. Thread-safe; one step runs at a time.
 */
final class StepBatcher {
    private final ModelRunner runner;
    private final List<Request> pending = new ArrayList<>();
    private int joined;
    private boolean stepping;
    private long steps;
    private long parts;
    /**
     * Each sequence's place in a step's list of parts, first seen first. The GPU runners record a
     * step once per list of sequences and replay it while the list repeats; the sessions' threads
     * arrive in any order, so listing the parts in arrival order made new lists (and recordings,
     * milliseconds of host time each while the GPU waits) out of the same sequences. Weak keys: a
     * closed session's state leaves with it.
     */
    private final Map<ModelRunner.State, Long> order = new WeakHashMap<>();
    private long nextOrder;

    StepBatcher(ModelRunner runner) {
        this.runner = runner;
    }

    /** One session's step, and what became of it. */
    private static final class Request {
        final ModelRunner.BatchPart part;
        float[] logits;
        RuntimeException failure;
        boolean done;

        Request(ModelRunner.BatchPart part) {
            this.part = part;
        }
    }

    /** Prompt tokens per shared step while other sessions generate: a chunk rides along with their decode tokens. */
    static final int SHARED_PREFILL_CHUNK = 64;

    /**
     * Prompt tokens the calling session (joined) puts in its next prefill step: {@code alone} (the runner's
     * {@link ModelRunner#prefillChunk}, 512 on GPUs) while no other session generates; else at most
     * {@link #SHARED_PREFILL_CHUNK}, so the others' next tokens wait for a short chunk, not a long one (~66 ms for 512
     * tokens of an 8B on an H100).
     */
    synchronized int prefillChunk(int alone) {
        return joined > 1 ? Math.min(alone, SHARED_PREFILL_CHUNK) : alone;
    }

    /** Logits per position of the model. */
    int vocab() {
        return runner.config().vocab();
    }

    /** The calling session takes part in steps until {@link #leave}: steps wait for its next request. */
    synchronized void join() {
        joined++;
    }

    /** The session is done (or cancelled): steps no longer wait for it. */
    synchronized void leave() {
        joined--;
        notifyAll();
    }

    /**
     * Evaluates tokens into the state's cache at position within the next shared step; the last
     * position's logits, or null without {@code logits}. The caller must have joined. Bad input
     * (positions outside the cache, unknown ids) fails this call alone, before any step.
     *
     * @param into an array of {@code vocab} floats the logits may be written to (see {@link ModelRunner.BatchPart}), or null
     */
    float[] run(ModelRunner.State state, int[] tokens, int position, boolean logits, float[] into) {
        ModelRunner.State.checkInput(tokens, position, state.capacity(), runner.config().vocab());
        if (position > 0 && position < state.earliestContinuation()) {
            throw new IllegalStateException("position " + position + " is before the sliding-window rings' reach "
                    + state.earliestContinuation() + "; evaluate again from 0");
        }
        Request mine = new Request(new ModelRunner.BatchPart(state, tokens, position, logits, into));
        List<Request> batch;
        boolean interrupted = false;
        try {
            synchronized (this) {
                pending.add(mine);
                while (true) {
                    if (mine.done) return outcome(mine);
                    if (!stepping && pending.size() >= joined) break;
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        // sessions stop through cancel(), between steps: this step still completes
                        interrupted = true;
                    }
                }
                batch = take();
                stepping = true;
            }
            execute(batch);
            return outcome(mine);
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** Steps run so far and the sequences they held, for the average batch size. */
    synchronized StepCounts counts() {
        return new StepCounts(steps, parts);
    }

    /** Pending requests that fit one step (at least one), taken oldest first, listed in their sequences' order. */
    private List<Request> take() {
        List<Request> batch = new ArrayList<>();
        int rows = 0;
        int max = runner.maxBatchRows();
        while (!pending.isEmpty() && (batch.isEmpty() || rows + pending.getFirst().part.tokens().length <= max)) {
            Request r = pending.removeFirst();
            rows += r.part.tokens().length;
            batch.add(r);
        }
        // places are given before sorting: a sort compares in its own order
        for (Request r : batch) order.computeIfAbsent(r.part.state(), s -> nextOrder++);
        // a sequence alone skips the sort: this path runs between every two decode steps of a stream, the GPU idle
        if (batch.size() > 1) batch.sort(Comparator.comparingLong(r -> order.get(r.part.state())));
        return batch;
    }

    private void execute(List<Request> batch) {
        List<float[]> results = null;
        RuntimeException failure = null;
        try {
            List<ModelRunner.BatchPart> parts = new ArrayList<>(batch.size());
            for (Request r : batch) parts.add(r.part);
            results = runner.forwardBatch(parts);
        } catch (RuntimeException e) {
            failure = e;
        }
        synchronized (this) {
            for (int i = 0; i < batch.size(); i++) {
                Request r = batch.get(i);
                r.failure = failure;
                r.logits = results == null ? null : results.get(i);
                r.done = true;
            }
            steps++;
            parts += batch.size();
            stepping = false;
            notifyAll();
        }
    }

    private static float[] outcome(Request r) {
        if (r.failure != null) throw r.failure;
        return r.logits;
    }
}
