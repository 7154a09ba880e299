package tandem.engine.runtime;

import java.util.Arrays;
import java.util.function.Consumer;
import tandem.engine.tokenizer.Tokenizer;

/**
 * A {@link Session} on any backend: keeps the token history of its KV cache, runs prefill and the
 * decode loop, samples, streams text and measures the timings it reports.
 */
final class GenerationSession implements Session {
    private final ModelRunner.State state;
    private final int prefillChunk;
    private final Tokenizer tokenizer;
    private final ActivityMeter meter;
    /** One per model: its sessions take turns in the forward pass (a split's all-reduce slots are the model's, not a session's). */
    private final Object passLock;
    private final Consumer<Session> onClose;
    private final int[] history;
    private int position;
    private volatile boolean cancelRequested;

    /**
     * @param prefillChunk prompt tokens per call while prefilling (the runner's {@link ModelRunner#prefillChunk()})
     * @param passLock     shared by the model's sessions: one forward pass at a time (the app chats while it serves)
     * @param onClose      told when the session closes (the model stops tracking it)
     */
    GenerationSession(ModelRunner.State state, int prefillChunk, Tokenizer tokenizer, ActivityMeter meter,
                      Object passLock, Consumer<Session> onClose) {
        this.state = state;
        this.prefillChunk = prefillChunk;
        this.tokenizer = tokenizer;
        this.meter = meter;
        this.passLock = passLock;
        this.onClose = onClose;
        this.history = new int[state.capacity()];
    }

    @Override
    public GenerationResult generate(String prompt, SamplingParams params, TokenListener listener) {
        int[] ids = position == 0 ? PromptTokens.encode(tokenizer, prompt) : tokenizer.encode(prompt, false, true);
        return generate(ids, params, listener);
    }

    @Override
    public GenerationResult generate(int[] promptTokens, SamplingParams params, TokenListener listener) {
        cancelRequested = false;
        if (promptTokens.length == 0 && position == 0) {
            throw new TandemException("empty prompt: give at least one token (or let the model add BOS)");
        }
        requireRoom(promptTokens.length);
        meter.generationStarted();
        try {
            return runGeneration(promptTokens, params, listener);
        } finally {
            meter.generationEnded();
        }
    }

    private GenerationResult runGeneration(int[] prompt, SamplingParams params, TokenListener listener) {
        long start = System.nanoTime();
        float[] logits = prefill(prompt);
        long promptEnd = System.nanoTime();
        double promptSeconds = (promptEnd - start) / 1e9;
        double promptRate = prompt.length == 0 ? 0 : prompt.length / Math.max(promptSeconds, 1e-9);
        if (logits == null) {
            return new GenerationResult("", prompt.length, 0, promptRate, 0, 0, StopReason.CANCELLED);
        }

        Sampler sampler = new Sampler(params);
        Tokenizer.StreamingDecoder decoder = tokenizer.streamingDecoder();
        StopStringFilter filter = new StopStringFilter(params.stopStrings());
        StopReason reason = StopReason.MAX_TOKENS;
        int generated = 0;
        int sampled = 0;
        long firstSample = 0;
        long lastSample = 0;
        while (generated < params.maxTokens()) {
            if (cancelRequested) {
                reason = StopReason.CANCELLED;
                break;
            }
            int id = sampler.sample(logits, history, position);
            lastSample = System.nanoTime();
            if (sampled++ == 0) firstSample = lastSample;
            if (tokenizer.isEndOfGeneration(id)) {
                reason = StopReason.END_OF_TEXT;
                break;
            }
            String shown = filter.accept(decoder.accept(id));
            meter.recordGeneratedToken();
            listener.onToken(new TokenEvent(id, shown, generated++, lastSample - start));
            if (filter.stopped()) {
                reason = StopReason.STOP_STRING;
                break;
            }
            if (generated == params.maxTokens()) break;
            if (position >= state.capacity()) {
                reason = StopReason.CONTEXT_FULL;
                break;
            }
            logits = forward(new int[] {id});
        }
        if (!filter.stopped()) {
            // Text held back as a possible stop-string start, or an unfinished UTF-8 character.
            String tail = filter.accept(decoder.flush()) + filter.flush();
            if (!tail.isEmpty()) listener.onToken(new TokenEvent(-1, tail, generated, System.nanoTime() - start));
        }
        double decodeRate = sampled > 1 ? (sampled - 1) / ((lastSample - firstSample) / 1e9) : 0;
        double ttftMillis = sampled > 0 ? (firstSample - start) / 1e6 : 0;
        return new GenerationResult(filter.text(), prompt.length, generated, promptRate, decodeRate, ttftMillis, reason);
    }

    /** Evaluates the prompt in chunks; null when cancelled in between. */
    private float[] prefill(int[] prompt) {
        if (prompt.length == 0) {
            // Continue from the cache: re-evaluate its last token to get logits again.
            position--;
            return forward(new int[] {history[position]});
        }
        int last = (prompt.length - 1) / prefillChunk * prefillChunk;
        for (int from = 0; from < last; from += prefillChunk) {
            if (cancelRequested) return null;
            append(Arrays.copyOfRange(prompt, from, from + prefillChunk));
        }
        if (cancelRequested) return null;
        return forward(Arrays.copyOfRange(prompt, last, prompt.length));
    }

    /** Evaluates tokens into the cache; the last one's logits. */
    private float[] forward(int[] tokens) {
        synchronized (passLock) {
            restoreWindow();
            long t0 = System.nanoTime();
            float[] logits = state.forward(tokens, position, false);
            advance(tokens, System.nanoTime() - t0);
            return logits;
        }
    }

    /** Evaluates tokens into the cache without logits. */
    private void append(int[] tokens) {
        synchronized (passLock) {
            restoreWindow();
            long t0 = System.nanoTime();
            state.append(tokens, position);
            advance(tokens, System.nanoTime() - t0);
        }
    }

    /**
     * After a rewind further back than a sliding-window layer's ring still reaches (regenerate,
     * edit-and-resend of a long turn), the kept tokens are evaluated again from the start, as
     * llama.cpp re-processes a prompt its SWA cache cannot roll back to.
     */
    private void restoreWindow() {
        if (position == 0 || position >= state.earliestContinuation()) return;
        for (int from = 0; from < position; from += prefillChunk) {
            state.append(Arrays.copyOfRange(history, from, Math.min(position, from + prefillChunk)), from);
        }
    }

    private void advance(int[] tokens, long nanos) {
        meter.recordForward(nanos, tokens.length);
        System.arraycopy(tokens, 0, history, position, tokens.length);
        position += tokens.length;
    }

    private void requireRoom(int tokens) {
        if (position + tokens > state.capacity()) {
            throw new TandemException("context full (" + state.capacity() + " tokens): " + position + " in use, "
                    + tokens + " more needed; start a new conversation or load with a larger --ctx");
        }
    }

    @Override
    public float[] evaluate(int[] tokens) {
        if (tokens.length == 0) throw new IllegalArgumentException("evaluate needs at least one token");
        requireRoom(tokens.length);
        return forward(tokens);
    }

    @Override
    public int position() { return position; }

    @Override
    public int contextLength() { return state.capacity(); }

    @Override
    public int[] tokens() { return Arrays.copyOf(history, position); }

    @Override
    public void truncate(int newPosition) {
        if (newPosition < 0 || newPosition > position) {
            throw new IllegalArgumentException("truncate to " + newPosition + " outside [0, " + position + "]");
        }
        position = newPosition;
    }

    @Override
    public void reset() { position = 0; }

    @Override
    public void cancel() { cancelRequested = true; }

    @Override
    public void close() {
        onClose.accept(this);
        state.close();
    }
}
