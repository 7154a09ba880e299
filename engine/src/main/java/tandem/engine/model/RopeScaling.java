package tandem.engine.model;

/**
 * YaRN context extension as ggml's rope applies it: rotary pair i turns by
 * theta_i = mix * theta_extrap + (1 - mix) * freqScale * theta_extrap, where
 * mix = 1 - clamp((i - corrLow) / max(0.001, corrHigh - corrLow), 0, 1) (pairs below corrLow keep
 * their frequency, those above corrHigh are divided by the factor), and cos and sin are multiplied
 * by {@code magnitude} = 1 + 0.1 ln(factor).
 */
public record RopeScaling(float freqScale, float corrLow, float corrHigh, float magnitude) {
    /**
     * YaRN from the GGUF keys: factor, original context length, beta fast/slow (llama.cpp's
     * defaults 32 and 1), over {@code ropeDim} rotated dims with base {@code theta}.
     */
    public static RopeScaling yarn(float factor, int originalContext, float betaFast, float betaSlow, int ropeDim, float theta) {
        double low = Math.floor(correctionDim(ropeDim, originalContext, betaFast, theta));
        double high = Math.ceil(correctionDim(ropeDim, originalContext, betaSlow, theta));
        float freqScale = 1f / factor;
        return new RopeScaling(freqScale, (float) Math.max(0, low), (float) Math.min(ropeDim - 1, high),
                (float) (1.0 + 0.1 * Math.log(1.0 / freqScale)));
    }

    /** The rotary dim whose wavelength fits {@code rotations} times into the original context. */
    private static double correctionDim(int ropeDim, int originalContext, float rotations, float theta) {
        return ropeDim * Math.log(originalContext / (rotations * 2 * Math.PI)) / (2 * Math.log(theta));
    }

    /** The angle of pair {@code pair} at {@code position}, given its unscaled angle. */
    public double angle(double unscaled, int pair) {
        double y = (pair - corrLow) / Math.max(0.001, corrHigh - corrLow);
        double mix = 1 - Math.min(1, Math.max(0, y));
        return unscaled * freqScale * (1 - mix) + unscaled * mix;
    }
}
