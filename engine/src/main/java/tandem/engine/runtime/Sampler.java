package tandem.engine.runtime;

import java.util.Arrays;
import java.util.SplittableRandom;

import tandem.engine.api.SamplingParams;

/**
 * Picks the next token from logits, in llama.cpp's default order: repetition penalty, then (unless
 * greedy) top-k, top-p, min-p, temperature, and a draw from the remaining distribution. The
 * random source is seeded from {@link SamplingParams#seed()}, so the same seed, model and settings
 * give the same tokens. One sampler per generation; not thread-safe.
 */
public final class Sampler {
    private final SamplingParams params;
    private final SplittableRandom random;
    /** The penalised copy of each step's logits, one array for the whole generation (a new one per step faults in fresh pages). */
    private float[] penalised;

    public Sampler(SamplingParams params) {
        this.params = params;
        this.random = new SplittableRandom(params.seed());
    }

    /**
     * @param logits   the model's output for the last position (not modified)
     * @param history  tokens seen so far, oldest first; the last {@code repeatLastN} are penalised
     */
    public int sample(float[] logits, int[] history, int historyLength) {
        // Only the penalties write to the scores; every later step reads them.
        boolean penalise = params.repeatLastN() != 0
                && (params.repeatPenalty() != 1f || params.presencePenalty() != 0f || params.frequencyPenalty() != 0f);
        float[] scores = logits;
        if (penalise) {
            if (penalised == null || penalised.length != logits.length) penalised = new float[logits.length];
            System.arraycopy(logits, 0, penalised, 0, logits.length);
            scores = penalised;
            applyPenalties(scores, history, historyLength, params);
        }
        if (params.isGreedy()) return argmax(scores);

        double u = random.nextDouble();
        boolean unfiltered = (params.topK() == 0 || params.topK() >= scores.length) && params.topP() >= 1f && params.minP() <= 0f;
        int id = unfiltered ? SamplingCandidates.drawUnfiltered(scores, params.temperature(), u) : -1;
        if (id >= 0) return id;
        int[] candidates = SamplingCandidates.kept(scores, params.topK(), params.topP(), params.minP());
        double[] probabilities = softmax(scores, candidates, candidates.length, params.temperature());
        return candidates[draw(probabilities, u)];
    }

    /** Index of the largest value; the lowest index wins a tie. */
    public static int argmax(float[] values) {
        return SamplingCandidates.argmax(values);
    }

    /**
     * llama.cpp's penalties over the last {@code repeatLastN} tokens (-1: all): each distinct token
     * has its logit divided by the repetition penalty when positive and multiplied by it when
     * negative, then lowered by the presence penalty once and the frequency penalty per occurrence.
     */
    public static void applyPenalties(float[] scores, int[] history, int historyLength, SamplingParams p) {
        int lastN = p.repeatLastN();
        int from = lastN < 0 ? 0 : Math.max(0, historyLength - lastN);
        int[] window = Arrays.copyOfRange(history, from, historyLength);
        Arrays.sort(window);
        for (int i = 0; i < window.length; ) {
            int id = window[i];
            int count = 0;
            while (i < window.length && window[i] == id) {
                i++;
                count++;
            }
            if (id < 0 || id >= scores.length) continue;
            float s = scores[id];
            s = s > 0 ? s / p.repeatPenalty() : s * p.repeatPenalty();
            scores[id] = s - count * p.frequencyPenalty() - p.presencePenalty();
        }
    }

    /** Softmax of scores[candidates[0 .. kept)] / temperature. */
    static double[] softmax(float[] scores, int[] candidates, int kept, float temperature) {
        double[] p = new double[kept];
        double max = scores[candidates[0]];
        for (int i = 1; i < kept; i++) max = Math.max(max, scores[candidates[i]]);
        double sum = 0;
        for (int i = 0; i < kept; i++) {
            p[i] = Math.exp((scores[candidates[i]] - max) / temperature);
            sum += p[i];
        }
        for (int i = 0; i < kept; i++) p[i] /= sum;
        return p;
    }

    /** The index where the cumulative probability first exceeds u in [0, 1). */
    static int draw(double[] probabilities, double u) {
        double cumulative = 0;
        for (int i = 0; i < probabilities.length; i++) {
            cumulative += probabilities[i];
            if (u < cumulative) return i;
        }
        return probabilities.length - 1;
    }
}
