package tandem.app.split;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleConsumer;
import tandem.app.engine.EngineService;
import tandem.engine.api.DeviceMetrics;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.GenerationResult;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.MetricsSnapshot;
import tandem.engine.api.SamplingParams;
import tandem.engine.api.Session;
import tandem.engine.api.StopReason;
import tandem.engine.api.TandemException;

/**
 * One split mode put to the test: loads the model that way, warms up on a fixed prompt, then
 * times a short greedy decode with the engine's own timestamps and reads each device's compute
 * and interconnect time over exactly those tokens. Blocking; the model it loads is freed again.
 */
final class SplitTrial {
    static final String PROMPT = "Once upon a time, there was a little";
    /** Tokens before the measured ones: the first token after load pays for pipeline and cache warm-up. */
    static final int WARM_UP_TOKENS = 8;
    static final int MEASURED_TOKENS = 32;
    /** Loading is roughly this part of a trial's progress, the tokens the rest. */
    private static final double LOAD_PART = 0.4;

    private SplitTrial() {}

    /**
     * @param labels    the devices' names, in the options' order
     * @param asked     the share of the work asked for each device
     * @param progress  told the trial's progress in [0, 1]
     */
    static TrialResult run(EngineService engine, Path model, EngineOptions options, List<String> labels, double[] asked,
                           BooleanSupplier cancelled, DoubleConsumer progress) {
        try (LoadedModel loaded = engine.load(model, options, (fraction, what) -> progress.accept(fraction * LOAD_PART), cancelled);
             Session session = loaded.newSession()) {
            int[] done = {0};
            generate(session, PROMPT, WARM_UP_TOKENS, cancelled, () -> progress.accept(LOAD_PART
                    + (1 - LOAD_PART) * ++done[0] / (WARM_UP_TOKENS + MEASURED_TOKENS)));
            loaded.metrics(); // starts the engine's measurement window here, after the warm-up
            GenerationResult measured = generate(session, " and", MEASURED_TOKENS, cancelled, () -> progress.accept(LOAD_PART
                    + (1 - LOAD_PART) * ++done[0] / (WARM_UP_TOKENS + MEASURED_TOKENS)));
            MetricsSnapshot window = loaded.metrics();
            List<DeviceTime> devices = new ArrayList<>();
            for (int d = 0; d < window.devices().size(); d++) {
                DeviceMetrics m = window.devices().get(d);
                devices.add(new DeviceTime(d < labels.size() ? labels.get(d) : m.name(), m.computeMicrosPerToken(),
                        m.allReduceMicrosPerToken()));
            }
            return TrialResult.measured(options.splitMode(), options, measured.tokensPerSecond(), measured.generatedTokens(),
                    devices, SplitNotes.forPlan(loaded.info(), loaded.plan(), labels, asked));
        }
    }

    private static GenerationResult generate(Session session, String prompt, int tokens, BooleanSupplier cancelled,
                                             Runnable perToken) {
        GenerationResult result = session.generate(prompt, SamplingParams.greedy(tokens), event -> {
            if (cancelled.getAsBoolean()) session.cancel();
            perToken.run();
        });
        if (result.stopReason() == StopReason.CANCELLED || cancelled.getAsBoolean()) throw new TandemException("cancelled");
        return result;
    }
}
