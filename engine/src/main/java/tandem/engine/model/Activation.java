package tandem.engine.model;

/**
 * The gate activation of a gated feed-forward block: down(act(gate(x)) * up(x)). SILU is
 * SwiGLU (Llama, Qwen, Phi-3); GELU_TANH is GeGLU with GELU's tanh approximation (Gemma), as
 * ggml's gelu computes it: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
 */
public enum Activation {
    SILU, GELU_TANH;

    /** The activation of one value, in double as the CPU reference computes it. */
    public float apply(float x) {
        return switch (this) {
            case SILU -> (float) (x / (1.0 + Math.exp(-x)));
            case GELU_TANH -> (float) (0.5 * x * (1.0 + Math.tanh(Math.sqrt(2.0 / Math.PI) * (x + 0.044715 * x * x * x))));
        };
    }
}
