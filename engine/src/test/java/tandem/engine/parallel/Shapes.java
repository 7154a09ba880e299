package tandem.engine.parallel;

import java.util.ArrayList;
import java.util.List;

/** Llama-style model shapes for planner tests, every matrix in one quant type and the norms in F32. */
final class Shapes {
    record Quant(String name, int blockSize, int typeSize) {}

    // Block layouts from the GGUF specification (ggml.h): elements per block and bytes per block.
    static final Quant Q4_0 = new Quant("Q4_0", 32, 18);
    static final Quant Q8_0 = new Quant("Q8_0", 32, 34);
    static final Quant Q4_K = new Quant("Q4_K", 256, 144);
    static final Quant Q6_K = new Quant("Q6_K", 256, 210);
    static final Quant F16 = new Quant("F16", 1, 2);
    static final Quant F32 = new Quant("F32", 1, 4);

    private Shapes() {}

    static ModelShape llama3_8b(Quant q) { return llama("llama3-8b", 32, 4096, 32, 8, 128, 14336, 128256, q, false); }

    static ModelShape llama3_70b(Quant q) { return llama("llama3-70b", 80, 8192, 64, 8, 128, 28672, 128256, q, false); }

    /** The shape of /work/shared/data/models/reference/llama-TYPE.gguf. */
    static ModelShape reference(Quant q) { return llama("reference", 2, 256, 4, 2, 64, 768, 512, q, true); }

    static ModelShape llama(String name, int layers, int dim, int heads, int kvHeads, int headDim, int ffn, int vocab,
                            Quant q, boolean tied) {
        List<TensorLayout> t = new ArrayList<>();
        t.add(matrix("token_embd.weight", dim, vocab, q));
        t.add(matrix("output_norm.weight", dim, 1, F32));
        if (!tied) t.add(matrix("output.weight", dim, vocab, q));
        for (int i = 0; i < layers; i++) {
            String p = "blk." + i + ".";
            t.add(matrix(p + "attn_norm.weight", dim, 1, F32));
            t.add(matrix(p + "attn_q.weight", dim, heads * headDim, q));
            t.add(matrix(p + "attn_k.weight", dim, kvHeads * headDim, q));
            t.add(matrix(p + "attn_v.weight", dim, kvHeads * headDim, q));
            t.add(matrix(p + "attn_output.weight", heads * headDim, dim, q));
            t.add(matrix(p + "ffn_norm.weight", dim, 1, F32));
            t.add(matrix(p + "ffn_gate.weight", dim, ffn, q));
            t.add(matrix(p + "ffn_up.weight", dim, ffn, q));
            t.add(matrix(p + "ffn_down.weight", ffn, dim, q));
        }
        return new ModelShape(name, layers, dim, heads, kvHeads, headDim, ffn, vocab, t);
    }

    static TensorLayout matrix(String name, int rowLength, int rows, Quant q) {
        return new TensorLayout(name, rowLength, rows, q.blockSize(), q.typeSize(), q.name());
    }
}
