package tandem.engine.runtime;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import tandem.engine.api.Backend;
import tandem.engine.api.ChatMessage;
import tandem.engine.api.KernelTime;
import tandem.engine.api.LoadPlan;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.MetricsSnapshot;
import tandem.engine.api.ModelInfo;
import tandem.engine.api.Session;
import tandem.engine.api.StepCounts;
import tandem.engine.api.TandemException;
import tandem.engine.api.Tokenizer;

/**
 * A {@link LoadedModel} on any backend: the backend supplies a {@link ModelRunner}; sessions,
 * sampling, chat formatting and metrics are the same for all of them.
 */
public final class BackendModel implements LoadedModel {
    private final ModelInfo info;
    private final LoadPlan plan;
    private final ModelRunner runner;
    private final Tokenizer tokenizer;
    private final BiFunction<List<ChatMessage>, Boolean, String> chatFormatter;
    private final AutoCloseable file;
    private final ActivityMeter meter = new ActivityMeter();
    /** Sessions generating at the same time share each forward step through it. */
    private final StepBatcher steps;
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    /** How long close() lets running generations finish after cancelling them. */
    private static final long CLOSE_WAIT_MILLIS = 10_000;

    /**
     * @param chatFormatter renders a conversation (messages, add generation prompt) to prompt text
     * @param file          the mapped model file, closed after the runner
     */
    public BackendModel(ModelInfo info, LoadPlan plan, ModelRunner runner, Tokenizer tokenizer,
                 BiFunction<List<ChatMessage>, Boolean, String> chatFormatter, AutoCloseable file) {
        this.info = info;
        this.plan = plan;
        this.runner = runner;
        this.tokenizer = tokenizer;
        this.chatFormatter = chatFormatter;
        this.file = file;
        this.steps = new StepBatcher(runner);
    }

    @Override public ModelInfo info() { return info; }

    @Override public Backend backend() { return runner.backend(); }

    @Override public LoadPlan plan() { return plan; }

    @Override public Tokenizer tokenizer() { return tokenizer; }

    /** The backend's forward pass, for tools that compare backends position by position. */
    public ModelRunner runner() { return runner; }

    @Override
    public String formatChat(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return chatFormatter.apply(messages, addGenerationPrompt);
    }

    @Override
    public Session newSession() {
        Session session = new GenerationSession(runner.newState(plan.contextLength()), steps, runner.prefillChunk(), tokenizer, meter,
                sessions::remove);
        sessions.add(session);
        return session;
    }

    @Override
    public StepCounts stepCounts() { return steps.counts(); }

    @Override
    public List<KernelTime> kernelTimes() { return runner.kernelTimes(); }

    @Override
    public List<KernelTime> hostTimes() { return runner.hostTimes(); }

    @Override
    public MetricsSnapshot metrics() {
        return meter.snapshot(runner);
    }

    /**
     * Cancels running generations and waits for them to stop before freeing the weights, so a
     * generation never reads memory that is gone.
     */
    @Override
    public void close() {
        sessions.forEach(Session::cancel);
        try {
            meter.awaitIdle(CLOSE_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runner.close();
        try {
            file.close();
        } catch (Exception e) {
            throw new TandemException("closing " + info.path() + " failed: " + e.getMessage(), e);
        }
    }
}
