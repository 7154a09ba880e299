package tandem.engine.runtime;

import java.util.Arrays;
import java.util.function.Consumer;
import tandem.engine.api.GenerationResult;
import tandem.engine.api.PromptTokens;
import tandem.engine.api.SamplingParams;
import tandem.engine.api.Session;
import tandem.engine.api.StopReason;
import tandem.engine.api.TandemException;
import tandem.engine.api.TokenEvent;
import tandem.engine.api.TokenListener;
import tandem.engine.api.Tokenizer;
import tandem.engine.chat.HarmonyChannels;

/**
 * A {@link Session} on any backend: keeps the token history of its KV cache, runs prefill and the
 * decode loop, samples, streams text and measures the timings it reports.
 */
final class GenerationSession implements Session {
    private final ModelRunner.State state;
    private final StepBatcher steps;
    private final int prefillChunk;
    private final Tokenizer tokenizer;
    private final ActivityMeter meter;
    private final Consumer<Session> onClose;
    private final int[] history;
    /**
     * The decode loop's logits, one array step after step: the sampler reads each step's before the
     * next, and a new half-megabyte array per step (128K vocabularies) costs ~300 µs of page faults.
     * What {@link #evaluate} returns is the caller's own array.
     */
    private float[] stepLogits;
    private int position;
    private volatile boolean cancelRequested;

    /**
     * @param prefillChunk prompt tokens per call while prefilling (the runner's {@link ModelRunner#prefillChunk()})
     * @param steps        the model's shared steps: sessions generating at once share each forward step
     * @param onClose      told when the session closes (the model stops tracking it)
     */
    GenerationSession(ModelRunner.State state, StepBatcher steps, int prefillChunk, Tokenizer tokenizer, ActivityMeter meter,
                      Consumer<Session> onClose) {
        this.state = state;
        this.steps = steps;
        this.prefillChunk = prefillChunk;
        this.tokenizer = tokenizer;
        this.meter = meter;
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
        steps.join();
        try {
            return runGeneration(promptTokens, params, listener);
        } finally {
            steps.leave();
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
        // gpt-oss: the analysis channel streams as <think>...</think>, the final channel as the answer
        HarmonyChannels channels = HarmonyChannels.forVocabulary(tokenizer);
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
            String piece = decoder.accept(id);
            String shown = filter.accept(channels == null ? piece : channels.accept(id, piece));
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
        int from = 0;
        // the chunk is chosen again before each one: it shrinks while other sessions generate (see StepBatcher#prefillChunk)
        for (int chunk = steps.prefillChunk(prefillChunk); prompt.length - from > chunk; chunk = steps.prefillChunk(prefillChunk)) {
            if (cancelRequested) return null;
            append(Arrays.copyOfRange(prompt, from, from + chunk));
            from += chunk;
        }
        if (cancelRequested) return null;
        return forward(Arrays.copyOfRange(prompt, from, prompt.length));
    }

    /** Evaluates tokens into the cache; the last one's logits in {@link #stepLogits}, valid until the next step. */
    private float[] forward(int[] tokens) {
        if (stepLogits == null) stepLogits = new float[steps.vocab()];
        return forward(tokens, stepLogits);
    }

    /** Evaluates tokens into the cache; the last one's logits, in {@code into} where the runner writes there. */
    private float[] forward(int[] tokens, float[] into) {
        restoreWindow();
        long t0 = System.nanoTime();
        float[] logits = steps.run(state, tokens, position, true, into);
        advance(tokens, System.nanoTime() - t0);
        return logits;
    }

    /** Evaluates tokens into the cache without logits. */
    private void append(int[] tokens) {
        restoreWindow();
        long t0 = System.nanoTime();
        steps.run(state, tokens, position, false, null);
        advance(tokens, System.nanoTime() - t0);
    }

    /**
     * After a rewind further back than a sliding-window layer's ring still reaches (regenerate,
     * edit-and-resend of a long turn), the kept tokens are evaluated again from the start, as
     * llama.cpp re-processes a prompt its SWA cache cannot roll back to.
     */
    private void restoreWindow() {
        if (position == 0 || position >= state.earliestContinuation()) return;
        for (int from = 0; from < position; from += prefillChunk) {
            steps.run(state, Arrays.copyOfRange(history, from, Math.min(position, from + prefillChunk)), from, false, null);
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
        steps.join();
        try {
            return forward(tokens, null);
        } finally {
            steps.leave();
        }
    }

    @Override
    public void evaluateEach(int[] tokens) {
        requireRoom(tokens.length);
        steps.join();
        try {
            for (int token : tokens) forward(new int[] {token});
        } finally {
            steps.leave();
        }
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
