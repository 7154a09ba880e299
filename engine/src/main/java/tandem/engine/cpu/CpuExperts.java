package tandem.engine.cpu;

import java.util.ArrayList;
import java.util.List;
import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.TensorInfo;
import tandem.engine.model.ExpertConfig;
import tandem.engine.model.ExpertStyle;
import tandem.engine.model.ExpertTensors;

/**
 * A mixture-of-experts FFN on the CPU: the router picks k experts per token
 * ({@link ExpertRouting}); each expert then runs on the tokens routed to it as one batch (its
 * weight rows decoded once for all of them), and its output, weighted, is added to the token's.
 * Biases (gpt-oss) are null where the architecture has none.
 */
record CpuExperts(ExpertStyle style, ExpertConfig shape, WeightMatrix router, float[] routerBias,
                  List<WeightMatrix> gate, List<WeightMatrix> up, List<WeightMatrix> down,
                  float[] gateBias, float[] upBias, float[] downBias) {

    static CpuExperts load(GgufFile file, ExpertStyle style, ExpertConfig shape, ExpertTensors<TensorInfo> t) {
        return new CpuExperts(style, shape, WeightMatrix.of(file, t.router()), CpuLayer.vector(file, t.routerBias()),
                WeightMatrix.experts(file, t.gate()), WeightMatrix.experts(file, t.up()), WeightMatrix.experts(file, t.down()),
                CpuLayer.vector(file, t.gateBias()), CpuLayer.vector(file, t.upBias()), CpuLayer.vector(file, t.downBias()));
    }

    /**
     * out[b] = sum over token b's experts e of weight_e * expert_e(x[b]), for count tokens of dim
     * floats (x already normed).
     */
    void forward(float[] x, int count, int dim, float[] out) {
        int experts = shape.count(), k = shape.used(), ffn = shape.ffn();
        float[] logits = new float[count * experts];
        router.multiply(x, 0, count, logits, 0);
        int[] ids = new int[count * k];
        float[] weights = new float[count * k];
        for (int b = 0; b < count; b++) {
            if (routerBias != null) CpuOps.add(logits, b * experts, routerBias, 0, experts);
            ExpertRouting.route(logits, b * experts, experts, k, ids, weights, b * k);
        }
        java.util.Arrays.fill(out, 0, count * dim, 0f);
        for (int e = 0; e < experts; e++) {
            List<Integer> slots = new ArrayList<>();
            for (int i = 0; i < count * k; i++) if (ids[i] == e) slots.add(i);
            if (slots.isEmpty()) continue;
            int n = slots.size();
            float[] in = new float[n * dim];
            for (int j = 0; j < n; j++) System.arraycopy(x, slots.get(j) / k * dim, in, j * dim, dim);
            float[] g = new float[n * ffn];
            float[] u = new float[n * ffn];
            gate.get(e).multiply(in, 0, n, g, 0);
            up.get(e).multiply(in, 0, n, u, 0);
            for (int j = 0; j < n; j++) {
                if (gateBias != null) CpuOps.add(g, j * ffn, gateBias, e * ffn, ffn);
                if (upBias != null) CpuOps.add(u, j * ffn, upBias, e * ffn, ffn);
            }
            if (style == ExpertStyle.OAI) {
                CpuOps.swigluOai(g, 0, u, 0, g, 0, n * ffn, ExpertStyle.OAI_ALPHA, ExpertStyle.OAI_LIMIT);
            } else {
                CpuOps.swiglu(g, 0, u, 0, g, 0, n * ffn);
            }
            float[] d = new float[n * dim];
            down.get(e).multiply(g, 0, n, d, 0);
            for (int j = 0; j < n; j++) {
                int slot = slots.get(j);
                if (downBias != null) CpuOps.add(d, j * dim, downBias, e * dim, dim);
                CpuOps.axpy(weights[slot], d, j * dim, out, slot / k * dim, dim);
            }
        }
    }
}
