package tandem.app.chat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import tandem.engine.api.SamplingParams;

/**
 * The sampling parameters the chat uses, as editable properties. A value is checked before it is
 * taken ({@link #problemWith}) by the engine's own rule, {@link SamplingParams}'s constructor,
 * so the app refuses exactly what the command line refuses, with the same words.
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
    private final ObjectProperty<List<String>> stopStrings = new SimpleObjectProperty<>(this, "stopStrings", List.of());

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
    /** The answer ends before any of these texts (they are not shown). */
    public ObjectProperty<List<String>> stopStringsProperty() { return stopStrings; }

    /** All properties, for listeners that save on any change. */
    public List<ObjectProperty<?>> all() {
        return List.of(temperature, topK, topP, minP, repeatPenalty, repeatLastN, presencePenalty, frequencyPenalty, seed,
                maxTokens, stopStrings);
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
        stopStrings.set(p.stopStrings());
    }

    /**
     * Why the engine would refuse this value for this property, in its own words (the command
     * line's message); null when the value is fine.
     */
    public <T> String problemWith(ObjectProperty<T> property, T value) {
        try {
            build(Map.of(property, value));
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
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

    /** The current values; each was checked when it was set, so this succeeds. */
    public SamplingParams toParams() {
        return build(Map.of());
    }

    private SamplingParams build(Map<ObjectProperty<?>, Object> changed) {
        Map<ObjectProperty<?>, Object> values = new HashMap<>();
        for (ObjectProperty<?> p : all()) values.put(p, p.get());
        values.putAll(changed);
        SamplingParams d = SamplingParams.defaults();
        return new SamplingParams(
                (float) number(values.get(temperature), d.temperature()),
                (int) number(values.get(topK), d.topK()),
                (float) number(values.get(topP), d.topP()),
                (float) number(values.get(minP), d.minP()),
                (float) number(values.get(repeatPenalty), d.repeatPenalty()),
                (int) number(values.get(repeatLastN), d.repeatLastN()),
                values.get(seed) instanceof Long s ? s : 0,
                (int) number(values.get(maxTokens), d.maxTokens()),
                values.get(stopStrings) instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of(),
                (float) number(values.get(presencePenalty), d.presencePenalty()),
                (float) number(values.get(frequencyPenalty), d.frequencyPenalty()));
    }

    /** 0.95f as 0.95, not 0.949999988079071: the float's shortest decimal form. */
    private static double decimal(float f) {
        return Double.parseDouble(Float.toString(f));
    }

    private static double number(Object value, double fallback) {
        return value instanceof Number n ? n.doubleValue() : fallback;
    }
}
