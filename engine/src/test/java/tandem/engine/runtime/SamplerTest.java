package tandem.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

import tandem.engine.api.SamplingParams;

class SamplerTest {
    private static final int[] NO_HISTORY = new int[0];

    private static SamplingParams params(float temperature, int topK, float topP, float minP, float penalty, long seed) {
        return new SamplingParams(temperature, topK, topP, minP, penalty, 64, seed, 100, List.of());
    }

    /** Which tokens a sampler ever picks from these logits over many draws. */
    private static Set<Integer> support(float[] logits, SamplingParams p) {
        Sampler s = new Sampler(p);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) seen.add(s.sample(logits, NO_HISTORY, 0));
        return seen;
    }

    @Test
    void greedyPicksTheLargestLogitAndTheLowestIdOnATie() {
        assertEquals(2, new Sampler(SamplingParams.greedy(1)).sample(new float[] {1, 3, 5, 5}, NO_HISTORY, 0));
    }

    @Test
    void topKKeepsOnlyTheKBest() {
        float[] logits = {0f, 3f, 1f, 2.9f, -1f};
        assertEquals(Set.of(1, 3), support(logits, params(5f, 2, 1f, 0f, 1f, 7)));
    }

    @Test
    void topKSelectionEqualsTheHeadOfAFullSort() {
        java.util.Random r = new java.util.Random(9);
        float[] logits = new float[5000];
        for (int i = 0; i < logits.length; i++) logits[i] = (float) Math.round(r.nextGaussian() * 20) / 4; // many ties
        int[] all = SamplingCandidates.sorted(logits, 0);
        for (int k : new int[] {1, 2, 40, 4999}) {
            assertArrayEquals(java.util.Arrays.copyOf(all, k), SamplingCandidates.sorted(logits, k), "k=" + k);
        }
        for (int i = 1; i < all.length; i++) {
            boolean ordered = logits[all[i - 1]] > logits[all[i]] || (logits[all[i - 1]] == logits[all[i]] && all[i - 1] < all[i]);
            assertEquals(true, ordered, "position " + i);
        }
    }

    @Test
    void topPKeepsTheSmallestPrefixReachingTheMass() {
        // probabilities 0.5, 0.25, 0.125, 0.125: p = 0.7 needs the first two
        float ln2 = (float) Math.log(2);
        float[] logits = {3 * ln2, 2 * ln2, ln2, ln2};
        assertEquals(Set.of(0, 1), support(logits, params(1f, 0, 0.7f, 0f, 1f, 3)));
        assertEquals(Set.of(0), support(logits, params(1f, 0, 0.5f, 0f, 1f, 3)));
    }

    @Test
    void minPDropsTokensBelowTheFractionOfTheBest() {
        float ln2 = (float) Math.log(2);
        // relative to the best: 1, 1/2, 1/4, 1/8
        float[] logits = {3 * ln2, 2 * ln2, ln2, 0f};
        assertEquals(Set.of(0, 1, 2), support(logits, params(1f, 0, 1f, 0.2f, 1f, 5)));
        assertEquals(Set.of(0, 1), support(logits, params(1f, 0, 1f, 0.3f, 1f, 5)));
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogitsOfRecentTokensOnce() {
        float[] scores = {2f, -2f, 2f, 4f};
        SamplingParams p = new SamplingParams(1f, 0, 1f, 0f, 2f, 4, 0, 1, List.of());
        Sampler.applyPenalties(scores, new int[] {3, 0, 1, 0, 1}, 5, p);
        // token 3 is older than the last 4; 0 and 1 are penalised once each despite repeating
        assertArrayEquals(new float[] {1f, -4f, 2f, 4f}, scores);
    }

    @Test
    void presencePenaltyOnceAndFrequencyPenaltyPerOccurrence() {
        float[] scores = {2f, -2f, 2f, 4f};
        SamplingParams p = new SamplingParams(1f, 0, 1f, 0f, 1f, -1, 0, 1, List.of(), 0.5f, 0.25f);
        Sampler.applyPenalties(scores, new int[] {3, 0, 1, 0, 1, 1}, 6, p);
        assertArrayEquals(new float[] {2f - 0.5f - 0.5f, -2f - 0.5f - 0.75f, 2f, 4f - 0.5f - 0.25f}, scores);
    }

    @Test
    void penaltyChangesTheGreedyChoice() {
        float[] logits = {2f, 1.5f};
        Sampler s = new Sampler(params(0f, 0, 1f, 0f, 2f, 0));
        assertEquals(1, s.sample(logits, new int[] {0}, 1));
    }

    @Test
    void temperatureSamplingFollowsTheSoftmax() {
        float[] logits = {0f, (float) Math.log(3)};
        Sampler s = new Sampler(params(1f, 0, 1f, 0f, 1f, 11));
        int ones = 0;
        int n = 20000;
        for (int i = 0; i < n; i++) ones += s.sample(logits, NO_HISTORY, 0);
        assertEquals(0.75, (double) ones / n, 0.02);
    }

    @Test
    void sameSeedSameSequenceOtherSeedOtherSequence() {
        float[] logits = new float[50];
        for (int i = 0; i < logits.length; i++) logits[i] = (float) Math.sin(i);
        int[] first = draws(logits, 42);
        assertArrayEquals(first, draws(logits, 42));
        assertNotEquals(java.util.Arrays.toString(first), java.util.Arrays.toString(draws(logits, 43)));
    }

    private static int[] draws(float[] logits, long seed) {
        Sampler s = new Sampler(params(1.5f, 0, 1f, 0f, 1f, seed));
        return IntStream.range(0, 40).map(i -> s.sample(logits, NO_HISTORY, 0)).toArray();
    }

    @Test
    void aTinyTemperaturePicksTheBestWithEveryFilterSetting() {
        float[] logits = {0.5f, 2f, -1f, 1.9f};
        for (int topK : new int[] {0, 2}) {
            for (float topP : new float[] {1f, 0.9f}) {
                // 1e-40 is a subnormal float: its reciprocal overflows to infinity
                Sampler s = new Sampler(params(1e-40f, topK, topP, 0f, 1f, 5));
                for (int i = 0; i < 20; i++) assertEquals(1, s.sample(logits, NO_HISTORY, 0), "top-k " + topK + " top-p " + topP);
            }
        }
    }

    @Test
    void notANumberIsRefusedForEveryFloatSetting() {
        float nan = Float.NaN;
        List<Runnable> settings = List.of(() -> params(nan, 0, 1f, 0f, 1f, 1), () -> params(1f, 0, nan, 0f, 1f, 1),
                () -> params(1f, 0, 1f, nan, 1f, 1), () -> params(1f, 0, 1f, 0f, nan, 1),
                () -> params(Float.POSITIVE_INFINITY, 0, 1f, 0f, 1f, 1));
        for (Runnable r : settings) org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, r::run);
    }

    @Test
    void samplingDoesNotModifyTheCallersLogits() {
        float[] logits = {1f, 2f, 3f};
        new Sampler(params(1f, 2, 0.9f, 0.1f, 1.3f, 1)).sample(logits, new int[] {2}, 1);
        assertArrayEquals(new float[] {1f, 2f, 3f}, logits);
    }
}
