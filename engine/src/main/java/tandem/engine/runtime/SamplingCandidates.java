package tandem.engine.runtime;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The tokens that top-k, top-p and min-p keep, best first (ties by ascending id): what the sampler
 * draws from, with llama.cpp's rules — top-p keeps the smallest prefix whose probability (over the
 * tokens top-k left) reaches p, min-p the tokens whose probability is at least minP times the best's.
 *
 * <p>The sampler runs between two decode steps with the GPU idle, over vocabularies of 128K-256K, so
 * no path sorts the whole vocabulary unless the filters keep most of it: top-k scans it once through a
 * k-entry heap, comparing 8-16 scores at a time against the heap's worst; without top-k, the tokens
 * within a margin of the best are sorted (min-p's own bound, or a margin widened until those tokens
 * hold the top-p mass, with the mass of the whole vocabulary summed in one vector pass); a draw with no
 * filter at all sorts the head its random share of the mass reaches ({@link #drawUnfiltered}). A plain
 * Java full sort took ~9 ms a token at 128K; the heap scan alone ~160 µs.
 */
final class SamplingCandidates {
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    /** Scores further than this below the best are first left out of the top-p candidates (e^-16: a 1e-7 share each). */
    private static final double MARGIN = 16;

    private SamplingCandidates() {}

    /** The kept tokens, best first: top-k (0: off), then top-p (1: off), then min-p (0: off). */
    static int[] kept(float[] scores, int topK, float topP, float minP) {
        if (topK > 0 && topK < scores.length) {
            int[] ids = sorted(scores, topK);
            double best = scores[ids[0]];
            double total = 0;
            for (int id : ids) total += Math.exp(scores[id] - best);
            return prefix(scores, ids, topP, minP, best, total);
        }
        if (topP >= 1f && minP <= 0f) return sorted(scores, 0);
        float best = max(scores);
        if (!Float.isFinite(best)) {
            // NaN or infinite scores (a broken model): the plain full sort, as before these paths
            int[] all = sorted(scores, 0);
            return prefix(scores, all, topP, minP, scores[all[0]], massOf(scores, all, scores[all[0]]));
        }
        double total = sumExp(scores, best);
        double floor = minP > 0f ? best + Math.log(minP) : best - MARGIN;
        while (true) {
            int[] ids = atLeast(scores, floor);
            // min-p keeps nothing below its floor; else the tokens above the floor must hold top-p's mass, so
            // that the smallest prefix reaching it lies among them
            if (minP > 0f || floor == Double.NEGATIVE_INFINITY || massOf(scores, ids, best) >= topP * total) {
                return prefix(scores, ids, topP, minP, best, total);
            }
            floor = wider(floor, best, MARGIN);
        }
    }

    /**
     * The token a draw of {@code u} in [0, 1) picks from the softmax of scores / temperature over the whole
     * vocabulary (no filter), walking the tokens in candidate order as the filtered draw does: only the head of
     * that order which u's share of the mass reaches is sorted. -1 for NaN or infinite scores, or a temperature so
     * small that its reciprocal overflows a float (the caller sorts everything and divides in double).
     */
    static int drawUnfiltered(float[] scores, float temperature, double u) {
        float best = max(scores);
        if (!Float.isFinite(best) || !Float.isFinite(1f / temperature)) return -1;
        double total = sumExp(scores, best, 1f / temperature);
        double floor = best - MARGIN * temperature;
        while (true) {
            int[] ids = atLeast(scores, floor);
            double cumulative = 0;
            for (int id : ids) {
                cumulative += Math.exp((scores[id] - best) / temperature) / total;
                if (u < cumulative) return id;
            }
            if (floor == Double.NEGATIVE_INFINITY) return ids[ids.length - 1];
            floor = wider(floor, best, MARGIN * temperature);
        }
    }

    /**
     * The next floor down: two margins lower, or no floor at all past eight margins below the best (or where a
     * score so large leaves the floor's double unchanged), so the search ends.
     */
    private static double wider(double floor, double best, double margin) {
        double next = floor - 2 * margin;
        return next < best - 8 * margin || next == floor ? Double.NEGATIVE_INFINITY : next;
    }

    /** Top-p then min-p over sorted candidates; probabilities are exp(score - best) / total. */
    private static int[] prefix(float[] scores, int[] ids, float topP, float minP, double best, double total) {
        int kept = ids.length;
        if (topP < 1f) {
            double cumulative = 0;
            for (int i = 0; i < kept; i++) {
                cumulative += Math.exp(scores[ids[i]] - best) / total;
                if (cumulative >= topP) {
                    kept = i + 1;
                    break;
                }
            }
        }
        if (minP > 0f && kept > 0) {
            // p_i >= minP * p_max  <=>  score_i >= score_max + ln(minP)
            double threshold = scores[ids[0]] + Math.log(minP);
            int i = 1;
            while (i < kept && scores[ids[i]] >= threshold) i++;
            kept = i;
        }
        return kept == ids.length ? ids : Arrays.copyOf(ids, kept);
    }

    /** Token ids by descending score (ties by ascending id), only the best k when 0 < k < the vocabulary. */
    static int[] sorted(float[] scores, int k) {
        int n = scores.length;
        long[] keys = k > 0 && k < n ? smallestKeys(scores, k) : allKeys(scores);
        Arrays.sort(keys);
        return ids(keys, keys.length);
    }

    private static int[] ids(long[] keys, int count) {
        int[] ids = new int[count];
        for (int i = 0; i < count; i++) ids[i] = (int) keys[i];
        return ids;
    }

    /**
     * One long per token whose order is the candidates' order: the score's order-reversing bits
     * high, the id low, so sorting is primitive (no boxing) and total (NaN and -0.0 included).
     */
    private static long key(float score, int id) {
        return ((long) descendingKey(score) << 32) | id;
    }

    /** An int whose signed order is the reverse of the float's order. */
    private static int descendingKey(float value) {
        int bits = Float.floatToIntBits(value);
        int ascending = bits >= 0 ? bits : bits ^ 0x7fffffff;
        return ~ascending;
    }

    private static long[] allKeys(float[] scores) {
        long[] keys = new long[scores.length];
        for (int i = 0; i < scores.length; i++) keys[i] = key(scores[i], i);
        return keys;
    }

    /**
     * The k smallest keys (best tokens), unordered, via a binary max-heap of size k. The scan
     * compares a vector of scores' keys (their high halves) with the heap's worst at a time; only a
     * lane that may enter goes through the exact scalar test.
     */
    private static long[] smallestKeys(float[] scores, int k) {
        long[] heap = new long[k];
        for (int i = 0; i < k; i++) heap[i] = key(scores[i], i);
        for (int i = k / 2 - 1; i >= 0; i--) siftDown(heap, i);
        int n = scores.length;
        int lanes = FLOATS.length();
        int i = k;
        for (int end = k + FLOATS.loopBound(n - k); i < end; i += lanes) {
            IntVector bits = FloatVector.fromArray(FLOATS, scores, i).reinterpretAsInts();
            // descendingKey, lane-wise: negative floats' bits flipped below the sign, then all bits inverted
            IntVector descending = bits.lanewise(VectorOperators.XOR, 0x7fffffff, bits.compare(VectorOperators.LT, 0))
                    .lanewise(VectorOperators.NOT);
            // NaN lanes (magnitude bits above infinity's) go to the exact test: key() canonicalises a NaN (a computed one
            // has its sign bit set) first. Tested on the bits: a float mask cast to the int species cost 10x the scan.
            VectorMask<Integer> mayEnter = descending.compare(VectorOperators.LE, (int) (heap[0] >> 32))
                    .or(bits.lanewise(VectorOperators.AND, 0x7fffffff).compare(VectorOperators.GT, 0x7f800000));
            if (!mayEnter.anyTrue()) continue;
            for (int lane = mayEnter.firstTrue(); lane < lanes; lane++) offer(heap, key(scores[i + lane], i + lane));
        }
        for (; i < n; i++) offer(heap, key(scores[i], i));
        return heap;
    }

    private static void offer(long[] heap, long candidate) {
        if (candidate < heap[0]) {
            heap[0] = candidate;
            siftDown(heap, 0);
        }
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

    /** The ids whose score is at least {@code floor}, sorted as candidates. */
    private static int[] atLeast(float[] scores, double floor) {
        // s >= floor for a float s  <=>  s >= the smallest float not below floor
        float f = (float) floor;
        if (f < floor) f = Math.nextUp(f);
        int n = scores.length;
        long[] keys = new long[64];
        int count = 0;
        int i = 0;
        for (int end = FLOATS.loopBound(n); i < end; i += FLOATS.length()) {
            VectorMask<Float> above = FloatVector.fromArray(FLOATS, scores, i).compare(VectorOperators.GE, f);
            if (!above.anyTrue()) continue;
            for (int lane = above.firstTrue(); lane < FLOATS.length(); lane++) {
                if (!above.laneIsSet(lane)) continue;
                if (count == keys.length) keys = Arrays.copyOf(keys, 2 * count);
                keys[count++] = key(scores[i + lane], i + lane);
            }
        }
        for (; i < n; i++) {
            if (scores[i] >= f) {
                if (count == keys.length) keys = Arrays.copyOf(keys, 2 * count);
                keys[count++] = key(scores[i], i);
            }
        }
        Arrays.sort(keys, 0, count);
        return ids(keys, count);
    }

    /** Index of the largest value, the lowest on a tie (NaN never wins, except at index 0): one vector pass for the maximum, one to find it. */
    static int argmax(float[] values) {
        if (values.length == 0) return 0;
        float max = max(values);
        if (Float.isNaN(max)) {
            int best = 0;
            for (int i = 1; i < values.length; i++) {
                if (values[i] > values[best]) best = i;
            }
            return best;
        }
        int i = 0;
        for (int end = FLOATS.loopBound(values.length); i < end; i += FLOATS.length()) {
            VectorMask<Float> at = FloatVector.fromArray(FLOATS, values, i).compare(VectorOperators.EQ, max);
            if (at.anyTrue()) return i + at.firstTrue();
        }
        while (values[i] != max) i++;
        return i;
    }

    private static double massOf(float[] scores, int[] ids, double best) {
        double mass = 0;
        for (int id : ids) mass += Math.exp(scores[id] - best);
        return mass;
    }

    private static float max(float[] scores) {
        int i = 0;
        FloatVector acc = FloatVector.broadcast(FLOATS, Float.NEGATIVE_INFINITY);
        for (int end = FLOATS.loopBound(scores.length); i < end; i += FLOATS.length()) {
            acc = acc.lanewise(VectorOperators.MAX, FloatVector.fromArray(FLOATS, scores, i));
        }
        float max = acc.reduceLanes(VectorOperators.MAX);
        for (; i < scores.length; i++) max = Math.max(max, scores[i]);
        return max;
    }

    /** Σ exp(score - best) over the vocabulary. */
    private static double sumExp(float[] scores, float best) {
        return sumExp(scores, best, 1f);
    }

    /** Σ exp((score - best) * scale) over the vocabulary: float lanes, summed into a double every 64 vectors. */
    private static double sumExp(float[] scores, float best, float scale) {
        double total = 0;
        int i = 0;
        int step = FLOATS.length();
        int end = FLOATS.loopBound(scores.length);
        while (i < end) {
            FloatVector acc = FloatVector.zero(FLOATS);
            for (int chunkEnd = Math.min(end, i + 64 * step); i < chunkEnd; i += step) {
                acc = acc.add(FloatVector.fromArray(FLOATS, scores, i).sub(best).mul(scale).lanewise(VectorOperators.EXP));
            }
            total += acc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < scores.length; i++) total += Math.exp((scores[i] - best) * (double) scale);
        return total;
    }
}
