package tandem.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The sampler's filters without a full sort keep exactly the tokens that the plain definition
 * keeps: sort the whole vocabulary by score (ties by id), top-k, then top-p over the softmax of
 * what is left (in double precision), then min-p. Checked over vocabularies of odd sizes (vector
 * tails), peaked and flat scores, many ties, -infinity scores, and every filter alone and together.
 */
class SamplingCandidatesTest {
    /** The plain definition, written out independently of the class under test. */
    private static int[] reference(float[] scores, int topK, float topP, float minP) {
        return kept(scores, topK, topP, minP).ids();
    }

    /**
     * What the plain definition keeps; {@code nearTopP}: top-p's cut fell within 1e-6 of the cumulative
     * probability, where a mass summed otherwise (float exponentials, ~1e-7 of it off) may cut one token off.
     */
    private record Kept(int[] ids, boolean nearTopP) {}

    private static Kept kept(float[] scores, int topK, float topP, float minP) {
        boolean nearTopP = false;
        Integer[] order = IntStream.range(0, scores.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparingInt(i -> i));
        int kept = topK > 0 ? Math.min(topK, scores.length) : scores.length;
        if (topP < 1f) {
            double best = scores[order[0]], sum = 0;
            for (int i = 0; i < kept; i++) sum += Math.exp(scores[order[i]] - best);
            double cumulative = 0;
            for (int i = 0; i < kept; i++) {
                cumulative += Math.exp(scores[order[i]] - best) / sum;
                nearTopP |= Math.abs(cumulative - topP) < 1e-6;
                if (cumulative >= topP) {
                    kept = i + 1;
                    break;
                }
            }
        }
        if (minP > 0f) {
            double threshold = scores[order[0]] + Math.log(minP);
            int i = 1;
            while (i < kept && scores[order[i]] >= threshold) i++;
            kept = i;
        }
        return new Kept(Arrays.stream(order, 0, kept).mapToInt(Integer::intValue).toArray(), nearTopP);
    }

    private record Case(String name, float[] scores) {}

    private static List<Case> cases() {
        Random r = new Random(17);
        List<Case> cases = new ArrayList<>();
        for (int n : new int[] {1, 7, 5003, 32000}) {
            float[] peaked = new float[n], flat = new float[n], ties = new float[n], masked = new float[n];
            for (int i = 0; i < n; i++) {
                peaked[i] = (float) (r.nextGaussian() * 6);
                flat[i] = (float) (r.nextGaussian() * 0.3);
                ties[i] = Math.round(r.nextGaussian() * 8) / 2f;
                masked[i] = i % 3 == 0 ? Float.NEGATIVE_INFINITY : (float) (r.nextGaussian() * 4);
            }
            if (n > 1) masked[0] = 2f; // at least one finite score
            cases.add(new Case("peaked " + n, peaked));
            cases.add(new Case("flat " + n, flat));
            cases.add(new Case("ties " + n, ties));
            cases.add(new Case("masked " + n, masked));
        }
        return cases;
    }

    @Test
    void everyFilterCombinationKeepsWhatAFullSortKeeps() {
        int checked = 0;
        for (Case c : cases()) {
            int n = c.scores().length;
            for (int topK : new int[] {0, 1, 40, n - 1, n, n + 3}) {
                if (topK < 0) continue;
                for (float topP : new float[] {1f, 0.95f, 0.5f, 0.01f}) {
                    for (float minP : new float[] {0f, 0.05f, 0.5f}) {
                        String name = c.name() + " k=" + topK + " p=" + topP + " min-p=" + minP;
                        Kept expected = kept(c.scores(), topK, topP, minP);
                        int[] actual = SamplingCandidates.kept(c.scores(), topK, topP, minP);
                        if (expected.nearTopP() && Math.abs(actual.length - expected.ids().length) <= 1) {
                            // a cut this close to a token's boundary may fall either side: the same order, one token more or less
                            int common = Math.min(actual.length, expected.ids().length);
                            assertArrayEquals(Arrays.copyOf(expected.ids(), common), Arrays.copyOf(actual, common), name);
                        } else {
                            assertArrayEquals(expected.ids(), actual, name);
                        }
                        checked++;
                    }
                }
            }
        }
        assertTrue(checked > 200, "cases checked: " + checked);
    }

    @Test
    void topPOverAFlatVocabularyWidensItsMarginUntilTheMassIsIn() {
        // 32000 nearly equal scores: p = 0.95 needs ~30000 tokens, far beyond the first margin
        float[] flat = new float[32000];
        Random r = new Random(3);
        for (int i = 0; i < flat.length; i++) flat[i] = (float) (r.nextDouble() * 0.01);
        int[] kept = SamplingCandidates.kept(flat, 0, 0.95f, 0f);
        assertArrayEquals(reference(flat, 0, 0.95f, 0f), kept);
        assertTrue(kept.length > 29000, "kept " + kept.length);
    }

    @Test
    void anUnfilteredDrawPicksTheTokenAFullSortsCumulativeProbabilityPicks() {
        Random r = new Random(11);
        int checked = 0;
        for (Case c : cases()) {
            float[] s = c.scores();
            int[] order = reference(s, 0, 1f, 0f);
            if (!Float.isFinite(s[order[0]])) continue; // no finite best: the sampler sorts everything (checked below)
            for (float temperature : new float[] {0.3f, 1f, 2.5f}) {
                // the plain definition: softmax of scores / temperature in candidate order, in double
                double[] p = new double[order.length];
                double max = s[order[0]], sum = 0;
                for (int i = 0; i < order.length; i++) sum += p[i] = Math.exp((s[order[i]] - max) / temperature);
                for (int draw = 0; draw < 200; draw++) {
                    double u = draw < 3 ? new double[] {0, 0.5, 0.999999}[draw] : r.nextDouble();
                    double cumulative = 0;
                    int expected = order[order.length - 1];
                    boolean nearABoundary = false;
                    for (int i = 0; i < order.length; i++) {
                        cumulative += p[i] / sum;
                        nearABoundary |= Math.abs(cumulative - u) < 1e-6;
                        if (u < cumulative) {
                            expected = order[i];
                            break;
                        }
                    }
                    // the mass is summed from float exponentials (~1e-7 of it off): a boundary that close may fall either side
                    if (nearABoundary) continue;
                    assertEquals(expected, SamplingCandidates.drawUnfiltered(s, temperature, u),
                            c.name() + " T=" + temperature + " u=" + u);
                    checked++;
                }
            }
        }
        assertTrue(checked > 5000, "draws checked: " + checked);
        assertEquals(-1, SamplingCandidates.drawUnfiltered(new float[] {1f, Float.NaN}, 1f, 0.5));
    }

    @Test
    void aComputedNaNCountsAsTheBestScoreAsTheFullSortHasIt() {
        // x86's computed NaN has its sign bit set; the vector filter must not read it as a score below -infinity
        float[] scores = new float[100];
        for (int i = 0; i < scores.length; i++) scores[i] = -i * 0.01f;
        float negativeNaN = Float.intBitsToFloat(0xffc00000);
        for (int at : new int[] {40, 41, 47, 99}) {
            float[] s = scores.clone();
            s[at] = negativeNaN;
            assertArrayEquals(new int[] {at, 0, 1}, SamplingCandidates.sorted(s, 3), "NaN at " + at);
        }
    }

    @Test
    void theMarginSearchEndsWhereItsMassTestNeverPasses() {
        // at 1e20 a double's spacing (16384) exceeds the margins, so lowering the floor leaves it where it was; with
        // top-p NaN (SamplingParams refuses it) the mass test never passes: the floor must still reach everything
        float[] huge = new float[100];
        for (int i = 0; i < huge.length; i++) huge[i] = 1e20f + i * 1e14f;
        int[] kept = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> SamplingCandidates.kept(huge, 0, Float.NaN, 0f));
        assertEquals(100, kept.length);
        assertEquals(99, kept[0]);
        assertEquals(99, SamplingCandidates.kept(huge, 0, 0.999f, 0f)[0]);
    }

    @Test
    void argmaxIsTheLowestIndexOfTheMaximum() {
        Random r = new Random(5);
        for (int n : new int[] {1, 3, 17, 5003, 128256}) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) v[i] = Math.round(r.nextGaussian() * 4);
            int expected = 0;
            for (int i = 1; i < n; i++) if (v[i] > v[expected]) expected = i;
            assertEquals(expected, SamplingCandidates.argmax(v), "n=" + n);
        }
        assertEquals(2, SamplingCandidates.argmax(new float[] {1f, Float.NaN, 5f, 5f}));
        assertEquals(0, SamplingCandidates.argmax(new float[] {-0f, 0f}));
        assertEquals(0, SamplingCandidates.argmax(new float[0]));
        assertEquals(3, SamplingCandidates.argmax(new float[] {Float.NEGATIVE_INFINITY, -1f, -2f, 7f, 7f, 1f, 1f, 1f, 1f, 1f}));
    }
}
