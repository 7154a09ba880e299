package tandem.engine.api;

/**
 * Forward steps a model's sessions ran and the sequences those steps held, since it was loaded: their
 * ratio is how many sequences shared a step on average (1 for a session alone; up to the number of
 * streams when concurrent sessions share every decode step).
 */
public record StepCounts(long steps, long sequences) {
    /** What ran between {@code earlier} and this count. */
    public StepCounts since(StepCounts earlier) {
        return new StepCounts(steps - earlier.steps, sequences - earlier.sequences);
    }

    /** Sequences per step on average; 0 without steps. */
    public double sequencesPerStep() {
        return steps == 0 ? 0 : sequences / (double) steps;
    }
}
