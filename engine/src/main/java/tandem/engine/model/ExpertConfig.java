package tandem.engine.model;

/**
 * The mixture-of-experts shape of a model ({@code expert_count}, {@code expert_used_count},
 * {@code expert_feed_forward_length}).
 *
 * @param count the experts of each layer
 * @param used  experts each token is routed to (top-k)
 * @param ffn   each expert's hidden width ({@code n_ff_exp}); under tensor split, this device's columns
 */
public record ExpertConfig(int count, int used, int ffn) {
    public ExpertConfig {
        if (count <= 0 || used <= 0 || used > count || ffn <= 0) {
            throw new IllegalArgumentException("experts: " + used + " used of " + count + " with width " + ffn
                    + " (need 0 < used <= count and width > 0)");
        }
    }

    /** The same experts with another hidden width (a device's columns under tensor split). */
    public ExpertConfig withFfn(int columns) { return new ExpertConfig(count, used, columns); }
}
