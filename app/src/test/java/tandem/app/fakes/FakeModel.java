package tandem.app.fakes;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import tandem.engine.api.ChatMessage;
import tandem.engine.api.Backend;
import tandem.engine.api.DeviceMetrics;
import tandem.engine.api.GenerationResult;
import tandem.engine.api.LoadPlan;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.MetricsSnapshot;
import tandem.engine.api.ModelInfo;
import tandem.engine.api.SamplingParams;
import tandem.engine.api.Session;
import tandem.engine.api.SplitMode;
import tandem.engine.api.StopReason;
import tandem.engine.api.TokenEvent;
import tandem.engine.api.TokenListener;
import tandem.engine.api.Tokenizer;

/** A loaded model for view-model tests: answers with "t0 t1 t2 …", one token per word. */
public final class FakeModel implements LoadedModel {
    private final int tokensPerAnswer;
    /** The conversation text the last answer continued (the cache after its prompt was added). */
    public String lastPrompt;
    /** How many prompt tokens the last answer had to evaluate (the rest came from the cache). */
    public int lastEvaluated;
    public int sessionsCreated;
    public boolean closed;
    /** A chat template like Phi-3's, which writes user and assistant turns only. */
    public boolean templateWithoutSystem;

    private final int contextLength;

    public FakeModel(int tokensPerAnswer) {
        this(tokensPerAnswer, 1 << 20);
    }

    /** @param contextLength the session refuses prompts beyond it and stops answers at it, as the engine does */
    public FakeModel(int tokensPerAnswer, int contextLength) {
        this.tokensPerAnswer = tokensPerAnswer;
        this.contextLength = contextLength;
    }

    @Override
    public ModelInfo info() {
        return new ModelInfo(Path.of("fake.gguf"), "fake", "llama", 1, 1, 1, 1, 1, 1, 1, 1, 512, 100, Map.of(), "llama", false);
    }

    @Override public Backend backend() { return Backend.CPU; }
    /** What {@link #plan()} returns; tests of device-dependent views set devices here. */
    public LoadPlan loadPlan;

    @Override public LoadPlan plan() { return loadPlan != null ? loadPlan : new LoadPlan(SplitMode.NONE, contextLength, List.of(), List.of()); }
    @Override public Tokenizer tokenizer() { return new CharTokenizer(); }

    @Override
    public String formatChat(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return messages.stream().filter(m -> !(templateWithoutSystem && m.role().equals("system"))).map(m -> m.role() + ": " + m.content()).collect(Collectors.joining("\n"))
                + (addGenerationPrompt ? "\nassistant:" : "");
    }

    @Override
    public Session newSession() {
        sessionsCreated++;
        return new FakeSession();
    }

    @Override
    public MetricsSnapshot metrics() {
        return new MetricsSnapshot(System.nanoTime(), false, 0, 0,
                List.of(new DeviceMetrics(0, "CPU", 0.5, 100, 0, 0, 0)));
    }

    @Override public void close() { closed = true; }

    /** The text a full answer has. */
    public String fullAnswer() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < tokensPerAnswer; i++) text.append("t").append(i).append(' ');
        return text.toString();
    }

    /** One token per character; its KV "cache" is the list of token ids it holds. */
    private final class FakeSession implements Session {
        private final List<Integer> cache = new java.util.ArrayList<>();
        private volatile boolean cancelled;

        @Override
        public GenerationResult generate(String prompt, SamplingParams params, TokenListener listener) {
            return generate(new CharTokenizer().encode(prompt, false, true), params, listener);
        }

        @Override
        public GenerationResult generate(int[] promptTokens, SamplingParams params, TokenListener listener) {
            cancelled = false; // like the real session: a new generation starts uncancelled
            if (cache.size() + promptTokens.length > contextLength) {
                throw new tandem.engine.api.TandemException("context full (" + contextLength + " tokens)");
            }
            for (int id : promptTokens) cache.add(id);
            lastPrompt = new CharTokenizer().decode(tokens());
            lastEvaluated = promptTokens.length;
            StringBuilder text = new StringBuilder();
            int n = 0;
            boolean full = false;
            for (; n < Math.min(tokensPerAnswer, params.maxTokens()) && !cancelled; n++) {
                String piece = "t" + n + " ";
                if (cache.size() + piece.length() > contextLength) {
                    full = true;
                    break;
                }
                text.append(piece);
                piece.chars().forEach(cache::add);
                listener.onToken(new TokenEvent(n, piece, n, n * 1000L));
            }
            StopReason why = full ? StopReason.CONTEXT_FULL : cancelled ? StopReason.CANCELLED : n == params.maxTokens() ? StopReason.MAX_TOKENS : StopReason.END_OF_TEXT;
            return new GenerationResult(text.toString(), promptTokens.length, n, 100, 250.0, 12.0, why);
        }

        @Override public float[] evaluate(int[] tokens) { return new float[0]; }
        @Override public int position() { return cache.size(); }
        @Override public int contextLength() { return contextLength; }
        @Override public int[] tokens() { return cache.stream().mapToInt(Integer::intValue).toArray(); }
        @Override public void truncate(int position) { cache.subList(position, cache.size()).clear(); }
        @Override public void reset() { cache.clear(); }
        @Override public void cancel() { cancelled = true; }
        @Override public void close() { }
    }
}
