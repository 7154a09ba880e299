package tandem.engine.cpu;

/**
 * The routing of a mixture-of-experts layer, shared by every backend's reference: the k experts
 * with the largest router logits (the lower index first on a tie), weighted by a softmax over
 * those k logits. That is gpt-oss's routing and, in exact arithmetic, qwen3moe's (a softmax over
 * all experts, the top k probabilities renormalised to sum 1).
 */
public final class ExpertRouting {
    private ExpertRouting() {}

    /**
     * Routes one token: writes the chosen experts to ids[off, off + k) in descending order of
     * logit and their weights to weights[off, off + k).
     */
    public static void route(float[] logits, int logitsOff, int experts, int k, int[] ids, float[] weights, int off) {
        for (int s = 0; s < k; s++) {
            int best = -1;
            for (int e = 0; e < experts; e++) {
                if (chosenBefore(ids, off, s, e)) continue;
                if (best < 0 || logits[logitsOff + e] > logits[logitsOff + best]) best = e;
            }
            ids[off + s] = best;
        }
        float max = logits[logitsOff + ids[off]];
        double sum = 0;
        for (int s = 0; s < k; s++) {
            float e = (float) Math.exp(logits[logitsOff + ids[off + s]] - max);
            weights[off + s] = e;
            sum += e;
        }
        for (int s = 0; s < k; s++) weights[off + s] = (float) (weights[off + s] / sum);
    }

    private static boolean chosenBefore(int[] ids, int off, int count, int expert) {
        for (int s = 0; s < count; s++) if (ids[off + s] == expert) return true;
        return false;
    }
}
