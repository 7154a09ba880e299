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

        int[] candidates = sortedCandidates(scores, params.topK());
        int kept = candidates.length;
        kept = topP(scores, candidates, kept, params.topP());
        kept = minP(scores, candidates, kept, params.minP());
        double[] probabilities = softmax(scores, candidates, kept, params.temperature());
        return candidates[draw(probabilities, random.nextDouble())];
    }

    /** Index of the largest value; the lowest index wins a tie. */
    public static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) best = i;
        }
        return best;
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

    /**
     * Token ids by descending score (ties by ascending id), only the best k when k > 0. With a k
     * the vocabulary is scanned once through a k-entry heap instead of sorted: for 150k-token
     * vocabularies a full sort per token would cost more than a GPU's decode step.
     */
    static int[] sortedCandidates(float[] scores, int k) {
        int n = scores.length;
        long[] keys = k > 0 && k < n ? smallestKeys(scores, k) : allKeys(scores);
        Arrays.sort(keys);
        int[] ids = new int[keys.length];
        for (int i = 0; i < keys.length; i++) ids[i] = (int) keys[i];
        return ids;
    }

    /**
     * One long per token whose order is the candidates' order: the score's order-reversing bits
     * high, the id low, so sorting is primitive (no boxing) and total.
     */
    private static long key(float score, int id) {
        return ((long) descendingKey(score) << 32) | id;
    }

    private static long[] allKeys(float[] scores) {
        long[] keys = new long[scores.length];
        for (int i = 0; i < scores.length; i++) keys[i] = key(scores[i], i);
        return keys;
    }

    /** The k smallest keys (best tokens), unordered, via a binary max-heap of size k. */
    private static long[] smallestKeys(float[] scores, int k) {
        long[] heap = new long[k];
        for (int i = 0; i < k; i++) heap[i] = key(scores[i], i);
        for (int i = k / 2 - 1; i >= 0; i--) siftDown(heap, i);
        for (int i = k; i < scores.length; i++) {
            long candidate = key(scores[i], i);
            if (candidate < heap[0]) {
                heap[0] = candidate;
                siftDown(heap, 0);
            }
        }
        return heap;
    }

    private static void siftDown(long[] heap, int i) {
        int n = heap.length;
        while (true) {
            int largest = i;
            int left = 2 * i + 1;
            int right = left + 1;
            if (left < n && heap[left] > heap[largest]) largest = left;
            if (right < n && heap[right] > heap[largest]) largest = right;
            if (largest == i) return;
            long t = heap[i];
            heap[i] = heap[largest];
            heap[largest] = t;
            i = largest;
        }
    }

    /** An int whose signed order is the reverse of the float's order. */
    private static int descendingKey(float value) {
        int bits = Float.floatToIntBits(value);
        int ascending = bits >= 0 ? bits : bits ^ 0x7fffffff;
        return ~ascending;
    }

    /** Keeps the smallest prefix whose probability mass reaches p (at least one token). */
    static int topP(float[] scores, int[] candidates, int kept, float p) {
        if (p >= 1f) return kept;
        double[] probabilities = softmax(scores, candidates, kept, 1f);
        double cumulative = 0;
        for (int i = 0; i < kept; i++) {
            cumulative += probabilities[i];
            if (cumulative >= p) return i + 1;
        }
        return kept;
    }

    /** Keeps the tokens whose probability is at least minP times the best one's (at least one token). */
    static int minP(float[] scores, int[] candidates, int kept, float minP) {
        if (minP <= 0f || kept == 0) return kept;
        // p_i >= minP * p_max  <=>  logit_i >= logit_max + ln(minP); candidates are sorted.
        double threshold = scores[candidates[0]] + Math.log(minP);
        int i = 1;
        while (i < kept && scores[candidates[i]] >= threshold) i++;
        return i;
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
