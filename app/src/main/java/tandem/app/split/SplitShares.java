package tandem.app.split;

import java.util.Arrays;

/**
 * The arithmetic of a split bar: shares are fractions of the work that sum to 1, one per
 * logical device, drawn left to right; divider i sits between share i and share i + 1.
 */
public final class SplitShares {
    /** No device can be dragged below 2 %: a zero share would leave a device with nothing to do. */
    public static final double MIN_SHARE = 0.02;

    private SplitShares() {}

    /** Weights (any positive scale, e.g. 3:1) to shares; no positive weight at all means even. */
    public static double[] normalize(double[] weights) {
        double sum = 0;
        for (double w : weights) sum += Math.max(0, w);
        if (sum <= 0) return even(weights.length);
        double[] shares = new double[weights.length];
        for (int i = 0; i < weights.length; i++) shares[i] = Math.max(0, weights[i]) / sum;
        return shares;
    }

    public static double[] even(int n) {
        double[] shares = new double[n];
        Arrays.fill(shares, 1.0 / n);
        return shares;
    }

    /** Shares in proportion to a size per device (VRAM, free VRAM); all unknown or zero means even. */
    public static double[] proportional(long[] sizes) {
        double[] weights = new double[sizes.length];
        for (int i = 0; i < sizes.length; i++) weights[i] = sizes[i] == Long.MAX_VALUE ? 0 : Math.max(0, sizes[i]);
        return normalize(weights);
    }

    /**
     * Shares that make every device take the same time, from the time each took per token at
     * the current shares: a device's speed is its share over its time, and the new shares follow
     * the speeds. Unchanged when a time is missing (zero or less) or the counts differ.
     */
    public static double[] balance(double[] shares, double[] microsPerToken) {
        if (shares.length != microsPerToken.length) return shares.clone();
        double[] speeds = new double[shares.length];
        for (int i = 0; i < shares.length; i++) {
            if (!(microsPerToken[i] > 0)) return shares.clone();
            speeds[i] = shares[i] / microsPerToken[i];
        }
        return normalize(speeds);
    }

    /** Where each divider sits, as a fraction of the bar's width (n - 1 values for n shares). */
    public static double[] dividerPositions(double[] shares) {
        double[] positions = new double[Math.max(0, shares.length - 1)];
        double cumulative = 0;
        for (int i = 0; i < positions.length; i++) {
            cumulative += shares[i];
            positions[i] = cumulative;
        }
        return positions;
    }

    /**
     * Moves divider {@code divider} to {@code position} (fraction of the bar), changing only the two
     * shares beside it; the divider stops {@link #MIN_SHARE} short of its neighbours.
     */
    public static double[] dragDivider(double[] shares, int divider, double position) {
        if (divider < 0 || divider >= shares.length - 1) {
            throw new IllegalArgumentException("divider " + divider + " does not exist for " + shares.length + " shares");
        }
        double left = 0;
        for (int i = 0; i < divider; i++) left += shares[i];
        double right = left + shares[divider] + shares[divider + 1];
        double[] moved = shares.clone();
        if (right - left < 2 * MIN_SHARE) return moved;
        double p = Math.clamp(position, left + MIN_SHARE, right - MIN_SHARE);
        moved[divider] = p - left;
        moved[divider + 1] = right - p;
        return moved;
    }

    /** Shares as percentages rounded to 0.1, the form the ratio fields show after a drag. */
    public static double[] asPercentages(double[] shares) {
        double[] percent = new double[shares.length];
        for (int i = 0; i < shares.length; i++) percent[i] = Math.round(shares[i] * 1000) / 10.0;
        return percent;
    }
}
