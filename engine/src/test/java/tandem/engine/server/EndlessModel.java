package tandem.engine.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import tandem.engine.api.ChatMessage;
import tandem.engine.gguf.GgufFile;
import tandem.engine.api.Backend;
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
import tandem.engine.tokenizer.Tokenizers;

/**
 * A model for the server's connection tests: it generates the same piece of text every few
 * milliseconds until max_tokens or a cancel, and reports how each generation ended - which no
 * real model's speed makes observable this reliably. Its tokenizer is stories260K's.
 */
final class EndlessModel implements LoadedModel {
    static final int CONTEXT = 1 << 24;

    private final String piece;
    private final long pauseMillis;
    private final Tokenizer tokenizer;
    /** How each generation ended, in order. */
    final BlockingQueue<StopReason> outcomes = new LinkedBlockingQueue<>();
    /** How many generations started. */
    final AtomicInteger started = new AtomicInteger();

    EndlessModel(String piece, long pauseMillis) {
        this.piece = piece;
        this.pauseMillis = pauseMillis;
        try (GgufFile file = GgufFile.open(ServerFixture.STORIES)) {
            this.tokenizer = Tokenizers.fromGguf(file);
        }
    }

    @Override public ModelInfo info() { throw new UnsupportedOperationException(); }
    @Override public Backend backend() { return Backend.CPU; }
    @Override public LoadPlan plan() { return new LoadPlan(SplitMode.NONE, CONTEXT, List.of(), List.of()); }
    @Override public Tokenizer tokenizer() { return tokenizer; }

    @Override
    public String formatChat(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return messages.stream().map(ChatMessage::content).collect(Collectors.joining("\n"));
    }

    @Override public Session newSession() { return new EndlessSession(); }

    @Override
    public MetricsSnapshot metrics() { return new MetricsSnapshot(System.nanoTime(), false, 0, 0, List.of()); }

    @Override public void close() {}

    private final class EndlessSession implements Session {
        private final List<Integer> cache = new ArrayList<>();
        private volatile boolean cancelled;

        @Override
        public GenerationResult generate(int[] prompt, SamplingParams params, TokenListener listener) {
            cancelled = false;
            started.incrementAndGet();
            for (int id : prompt) cache.add(id);
            int n = 0;
            StopReason reason = StopReason.MAX_TOKENS;
            while (n < params.maxTokens()) {
                if (cancelled) {
                    reason = StopReason.CANCELLED;
                    break;
                }
                listener.onToken(new TokenEvent(1, piece, n++, 0));
                pause();
            }
            outcomes.add(reason);
            return new GenerationResult("", prompt.length, n, 0, 0, 0, reason);
        }

        private void pause() {
            if (pauseMillis == 0) return;
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cancelled = true;
            }
        }

        @Override public GenerationResult generate(String prompt, SamplingParams params, TokenListener listener) {
            throw new UnsupportedOperationException();
        }
        @Override public float[] evaluate(int[] tokens) { throw new UnsupportedOperationException(); }
        @Override public int position() { return cache.size(); }
        @Override public int contextLength() { return CONTEXT; }
        @Override public int[] tokens() { return cache.stream().mapToInt(Integer::intValue).toArray(); }
        @Override public void truncate(int position) { cache.subList(position, cache.size()).clear(); }
        @Override public void reset() { cache.clear(); }
        @Override public void cancel() { cancelled = true; }
        @Override public void close() {}
    }
}
