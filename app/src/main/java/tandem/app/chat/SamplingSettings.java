package tandem.app.chat;

import java.util.List;
import java.util.function.LongSupplier;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import tandem.engine.api.SamplingParams;

/**
 * The sampling parameters the chat uses, as editable properties (the view shows them in a
 * ControlsFX PropertySheet). {@link #toParams()} clamps each value into its valid range, so a
 * typo in a field can never make a generation fail.
 */
public final class SamplingSettings {
    private final ObjectProperty<Double> temperature = new SimpleObjectProperty<>(this, "temperature");
    private final ObjectProperty<Integer> topK = new SimpleObjectProperty<>(this, "topK");
    private final ObjectProperty<Double> topP = new SimpleObjectProperty<>(this, "topP");
    private final ObjectProperty<Double> minP = new SimpleObjectProperty<>(this, "minP");
    private final ObjectProperty<Double> repeatPenalty = new SimpleObjectProperty<>(this, "repeatPenalty");
    private final ObjectProperty<Integer> repeatLastN = new SimpleObjectProperty<>(this, "repeatLastN");
    private final ObjectProperty<Double> presencePenalty = new SimpleObjectProperty<>(this, "presencePenalty");
    private final ObjectProperty<Double> frequencyPenalty = new SimpleObjectProperty<>(this, "frequencyPenalty");
    private final ObjectProperty<Long> seed = new SimpleObjectProperty<>(this, "seed");
    private final ObjectProperty<Integer> maxTokens = new SimpleObjectProperty<>(this, "maxTokens");

    public SamplingSettings(SamplingParams initial) {
        set(initial);
    }

    public ObjectProperty<Double> temperatureProperty() { return temperature; }
    public ObjectProperty<Integer> topKProperty() { return topK; }
    public ObjectProperty<Double> topPProperty() { return topP; }
    public ObjectProperty<Double> minPProperty() { return minP; }
    public ObjectProperty<Double> repeatPenaltyProperty() { return repeatPenalty; }
    public ObjectProperty<Integer> repeatLastNProperty() { return repeatLastN; }
    public ObjectProperty<Double> presencePenaltyProperty() { return presencePenalty; }
    public ObjectProperty<Double> frequencyPenaltyProperty() { return frequencyPenalty; }
    /** 0 picks a new random seed for every answer; any other value repeats answers exactly. */
    public ObjectProperty<Long> seedProperty() { return seed; }
    public ObjectProperty<Integer> maxTokensProperty() { return maxTokens; }

    /** All properties, for listeners that save on any change. */
    public List<ObjectProperty<?>> all() {
        return List.of(temperature, topK, topP, minP, repeatPenalty, repeatLastN, presencePenalty, frequencyPenalty, seed, maxTokens);
    }

    public final void set(SamplingParams p) {
        temperature.set(decimal(p.temperature()));
        topK.set(p.topK());
        topP.set(decimal(p.topP()));
        minP.set(decimal(p.minP()));
        repeatPenalty.set(decimal(p.repeatPenalty()));
        repeatLastN.set(p.repeatLastN());
        presencePenalty.set(decimal(p.presencePenalty()));
        frequencyPenalty.set(decimal(p.frequencyPenalty()));
        seed.set(p.seed());
        maxTokens.set(p.maxTokens());
    }

    /**
     * The parameters for one answer: seed 0 draws a fresh seed, so Regenerate gives a new answer
     * (the engine itself treats every seed, 0 included, as fixed).
     */
    public SamplingParams forAnswer(LongSupplier randomSeed) {
        SamplingParams p = toParams();
        if (p.seed() != 0) return p;
        return new SamplingParams(p.temperature(), p.topK(), p.topP(), p.minP(), p.repeatPenalty(), p.repeatLastN(),
                randomSeed.getAsLong(), p.maxTokens(), p.stopStrings(), p.presencePenalty(), p.frequencyPenalty());
    }

    public SamplingParams toParams() {
        SamplingParams d = SamplingParams.defaults();
        return new SamplingParams(
                (float) Math.clamp(or(temperature.get(), d.temperature()), 0, 5),
                Math.max(0, or(topK.get(), d.topK())),
                (float) Math.clamp(or(topP.get(), d.topP()), 0.001, 1),
                (float) Math.clamp(or(minP.get(), d.minP()), 0, 0.999),
                (float) Math.clamp(or(repeatPenalty.get(), d.repeatPenalty()), 0.01, 10),
                Math.max(-1, or(repeatLastN.get(), d.repeatLastN())),
                seed.get() == null ? 0 : seed.get(),
                Math.max(1, or(maxTokens.get(), d.maxTokens())),
                List.of(),
                (float) Math.clamp(or(presencePenalty.get(), d.presencePenalty()), -2, 2),
                (float) Math.clamp(or(frequencyPenalty.get(), d.frequencyPenalty()), -2, 2));
    }

    /** 0.95f as 0.95, not 0.949999988079071: the float's shortest decimal form. */
    private static double decimal(float f) {
        return Double.parseDouble(Float.toString(f));
    }

    private static double or(Double value, double fallback) {
        return value == null || value.isNaN() ? fallback : value;
    }

    private static int or(Integer value, int fallback) {
        return value == null ? fallback : value;
    }
}
