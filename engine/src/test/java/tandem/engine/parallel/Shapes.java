package tandem.engine.parallel;

import java.util.ArrayList;
import java.util.List;

import tandem.engine.model.TensorLayout;
import tandem.engine.tensor.GgmlType;

/** Llama-style model shapes for planner tests, every matrix in one quant type and the norms in F32. */
final class Shapes {
    private Shapes() {}

    static ModelShape llama3_8b(GgmlType q) { return llama("llama3-8b", 32, 4096, 32, 8, 128, 14336, 128256, q, false); }

    static ModelShape llama3_70b(GgmlType q) { return llama("llama3-70b", 80, 8192, 64, 8, 128, 28672, 128256, q, false); }

    /** The dimensions of the reference models (llama-TYPE.gguf), with a tied output as stories260K has. */
    static ModelShape reference(GgmlType q) { return llama("reference", 2, 256, 4, 2, 64, 768, 512, q, true); }

    static ModelShape llama(String name, int layers, int dim, int heads, int kvHeads, int headDim, int ffn, int vocab,
                            GgmlType q, boolean tied) {
        List<TensorLayout> t = new ArrayList<>();
        t.add(matrix("token_embd.weight", dim, vocab, q));
        t.add(matrix("output_norm.weight", dim, 1, GgmlType.F32));
        if (!tied) t.add(matrix("output.weight", dim, vocab, q));
        for (int i = 0; i < layers; i++) {
            String p = "blk." + i + ".";
            t.add(matrix(p + "attn_norm.weight", dim, 1, GgmlType.F32));
            t.add(matrix(p + "attn_q.weight", dim, heads * headDim, q));
            t.add(matrix(p + "attn_k.weight", dim, kvHeads * headDim, q));
            t.add(matrix(p + "attn_v.weight", dim, kvHeads * headDim, q));
            t.add(matrix(p + "attn_output.weight", heads * headDim, dim, q));
            t.add(matrix(p + "ffn_norm.weight", dim, 1, GgmlType.F32));
            t.add(matrix(p + "ffn_gate.weight", dim, ffn, q));
            t.add(matrix(p + "ffn_up.weight", dim, ffn, q));
            t.add(matrix(p + "ffn_down.weight", ffn, dim, q));
        }
        return new ModelShape(name, layers, dim, heads, kvHeads, headDim, ffn, vocab, t);
    }

    /** A llama shape with qwen2's F32 Q/K/V biases in every layer. */
    static ModelShape qwen2(ModelShape llama) {
        return withLayerVectors(llama, "qwen2", (p, t) -> {
            t.add(matrix(p + "attn_q.bias", llama.heads() * llama.headDim(), 1, GgmlType.F32));
            t.add(matrix(p + "attn_k.bias", llama.kvHeads() * llama.headDim(), 1, GgmlType.F32));
            t.add(matrix(p + "attn_v.bias", llama.kvHeads() * llama.headDim(), 1, GgmlType.F32));
        });
    }

    /** A llama shape with qwen3's F32 per-head q/k norm weights in every layer. */
    static ModelShape qwen3(ModelShape llama) {
        return withLayerVectors(llama, "qwen3", (p, t) -> {
            t.add(matrix(p + "attn_q_norm.weight", llama.headDim(), 1, GgmlType.F32));
            t.add(matrix(p + "attn_k_norm.weight", llama.headDim(), 1, GgmlType.F32));
        });
    }

    private static ModelShape withLayerVectors(ModelShape m, String arch,
                                               java.util.function.BiConsumer<String, List<TensorLayout>> extra) {
        List<TensorLayout> t = new ArrayList<>(m.tensors());
        for (int i = 0; i < m.layers(); i++) extra.accept("blk." + i + ".", t);
        return new ModelShape(arch + " " + m.name(), m.layers(), m.embedding(), m.heads(), m.kvHeads(), m.headDim(),
                m.ffn(), m.vocab(), t);
    }

    static TensorLayout matrix(String name, int rowLength, int rows, GgmlType q) {
        return new TensorLayout(name, rowLength, rows, q);
    }
}
