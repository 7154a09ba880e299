package tandem.engine.api;

import java.util.List;

/**
 * Sampling settings. temperature 0 means greedy (argmax). A value that disables a filter:
 * topK 0, topP 1, minP 0, repeatPenalty 1, presencePenalty 0, frequencyPenalty 0.
 *
 * @param repeatLastN      how many of the latest tokens the penalties look at (-1: all, 0: none)
 * @param maxTokens        most tokens to generate
 * @param stopStrings      generation stops when the text ends with one of these (not included in the output)
 * @param presencePenalty  subtracted from the logit of every token seen in the penalty window
 * @param frequencyPenalty subtracted once per occurrence in the penalty window
 */
public record SamplingParams(float temperature, int topK, float topP, float minP,
                             float repeatPenalty, int repeatLastN, long seed, int maxTokens,
                             List<String> stopStrings, float presencePenalty, float frequencyPenalty) {
    /** Without presence and frequency penalties. */
    public SamplingParams(float temperature, int topK, float topP, float minP, float repeatPenalty, int repeatLastN,
                          long seed, int maxTokens, List<String> stopStrings) {
        this(temperature, topK, topP, minP, repeatPenalty, repeatLastN, seed, maxTokens, stopStrings, 0f, 0f);
    }

    public SamplingParams {
        stopStrings = List.copyOf(stopStrings);
        // written so that NaN fails each check too (every comparison with NaN is false)
        if (!(temperature >= 0)) throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        if (Float.isInfinite(temperature)) throw new IllegalArgumentException("temperature must be finite, got " + temperature);
        if (topK < 0) throw new IllegalArgumentException("top-k must be >= 0, got " + topK);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        if (!(minP >= 0 && minP < 1)) throw new IllegalArgumentException("min-p must be in [0, 1), got " + minP);
        if (!(repeatPenalty > 0)) throw new IllegalArgumentException("repeat penalty must be > 0, got " + repeatPenalty);
        if (Float.isInfinite(repeatPenalty)) throw new IllegalArgumentException("repeat penalty must be finite, got " + repeatPenalty);
        if (repeatLastN < -1) throw new IllegalArgumentException("repeat-last-n must be >= -1, got " + repeatLastN);
        if (!Float.isFinite(presencePenalty) || !Float.isFinite(frequencyPenalty)) {
            throw new IllegalArgumentException("presence and frequency penalties must be finite numbers");
        }
        if (maxTokens < 0) throw new IllegalArgumentException("max tokens must be >= 0, got " + maxTokens);
    }

    /** Sensible chat defaults (llama.cpp's): temperature 0.8, top-k 40, top-p 0.95, min-p 0.05. */
    public static SamplingParams defaults() {
        return new SamplingParams(0.8f, 40, 0.95f, 0.05f, 1.0f, 64, 0, 512, List.of());
    }

    public static SamplingParams greedy(int maxTokens) {
        return new SamplingParams(0f, 0, 1f, 0f, 1f, 64, 0, maxTokens, List.of());
    }

    public boolean isGreedy() { return temperature == 0f; }
}
