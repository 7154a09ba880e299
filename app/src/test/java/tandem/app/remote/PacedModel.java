package tandem.app.remote;

import java.util.List;
import tandem.engine.api.Backend;
import tandem.engine.api.ChatMessage;
import tandem.engine.api.GenerationResult;
import tandem.engine.api.LoadPlan;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.MetricsSnapshot;
import tandem.engine.api.ModelInfo;
import tandem.engine.api.SamplingParams;
import tandem.engine.api.Session;
import tandem.engine.api.TokenListener;
import tandem.engine.api.Tokenizer;

/**
 * A real model whose generations pause after each token: the demo model writes its 400 tokens in
 * milliseconds on a CPU, faster than a client's stop can reach the server, so a test of stopping
 * would race the generation's own end. Everything else is the model's.
 */
final class PacedModel implements LoadedModel {
    private final LoadedModel model;
    private final long pauseMillis;

    PacedModel(LoadedModel model, long pauseMillis) {
        this.model = model;
        this.pauseMillis = pauseMillis;
    }

    @Override public ModelInfo info() { return model.info(); }
    @Override public Backend backend() { return model.backend(); }
    @Override public LoadPlan plan() { return model.plan(); }
    @Override public Tokenizer tokenizer() { return model.tokenizer(); }
    @Override public MetricsSnapshot metrics() { return model.metrics(); }
    @Override public void close() { model.close(); }

    @Override
    public String formatChat(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return model.formatChat(messages, addGenerationPrompt);
    }

    @Override
    public Session newSession() {
        Session session = model.newSession();
        return new Session() {
            @Override
            public GenerationResult generate(String prompt, SamplingParams params, TokenListener listener) {
                return session.generate(prompt, params, paced(listener));
            }

            @Override
            public GenerationResult generate(int[] promptTokens, SamplingParams params, TokenListener listener) {
                return session.generate(promptTokens, params, paced(listener));
            }

            @Override public float[] evaluate(int[] tokens) { return session.evaluate(tokens); }
            @Override public int position() { return session.position(); }
            @Override public int contextLength() { return session.contextLength(); }
            @Override public int[] tokens() { return session.tokens(); }
            @Override public void truncate(int position) { session.truncate(position); }
            @Override public void reset() { session.reset(); }
            @Override public void cancel() { session.cancel(); }
            @Override public void close() { session.close(); }
        };
    }

    private TokenListener paced(TokenListener listener) {
        return event -> {
            listener.onToken(event);
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }
}
