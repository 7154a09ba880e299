package tandem.engine.api;

/**
 * GPU time spent in one kernel group (profiling mode) or segment, or host time in one phase of the steps, summed since the model loaded.
 *
 * @param kernel  e.g. "matvec gate+up q4_0", "attention", "layer", "decode: submit"
 * @param calls   how many times it ran
 */
public record KernelTime(String kernel, double totalMicros, long calls) {}
