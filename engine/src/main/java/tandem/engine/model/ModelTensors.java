package tandem.engine.model;

import java.util.ArrayList;
import java.util.List;
import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.TensorInfo;

/**
 * The tensors a model's forward pass reads, found by name and checked against the shapes its
 * {@link ModelConfig} implies before any backend touches them. Shapes are in GGUF order
 * ([row length, rows]): a projection from n inputs to m outputs is [n, m].
 *
 * @param output     the output projection, or the token embedding when the output is tied
 * @param ropeFreqs  per-frequency RoPE divisors (Llama 3.1), or null
 * @param layers     each block's tensors, bound from the names {@link TensorNames#layer} gives
 * @param ropeFactorsLong  Phi-3's LongRoPE divisors for contexts beyond the original one, or null
 * @param ropeFactorsShort Phi-3's LongRoPE divisors for contexts within it, or null
 */
public record ModelTensors(TensorInfo tokenEmbedding, TensorInfo outputNorm, TensorInfo output,
                           TensorInfo ropeFreqs, List<LayerTensors<TensorInfo>> layers, TensorInfo ropeFactorsLong,
                           TensorInfo ropeFactorsShort) {
    public ModelTensors {
        layers = List.copyOf(layers);
    }

    /**
     * Rows [first, first + count) of a matrix, as a tensor of their own under {@code name}: the bytes
     * are a contiguous part of the original's (each row is whole blocks). Named like the separate
     * tensor it stands for (e.g. blk.0.attn_k.weight for the K rows of blk.0.attn_qkv.weight), which
     * is what the split planner cuts by.
     */
    static TensorInfo rowView(TensorInfo fused, String name, long first, long count) {
        long rowBytes = fused.rowBytes();
        return new TensorInfo(name, fused.type(), new long[] {fused.rowLength(), count},
                fused.offset() + first * rowBytes, count * rowBytes);
    }

    /**
     * The RoPE frequency divisors for a context: Llama 3.1's rope_freqs where present, else Phi-3's
     * long factors when the context exceeds the original one (llama.cpp compares its n_ctx with
     * rope.scaling.original_context_length, or the trained context when that key is absent), else
     * the short ones; null when the model has none.
     */
    public TensorInfo ropeFactors(ModelConfig c, int contextLength) {
        if (ropeFreqs != null) return ropeFreqs;
        int original = c.extras().ropeOriginalContext() > 0 ? c.extras().ropeOriginalContext() : c.contextLength();
        if (ropeFactorsLong != null && contextLength > original) return ropeFactorsLong;
        return ropeFactorsShort;
    }

    /** Finds and validates every tensor the configuration needs. */
    public static ModelTensors bind(GgufFile file, ModelConfig c) {
        ShapeChecker shapes = new ShapeChecker(file);
        TensorInfo embedding = shapes.require(TensorNames.TOKEN_EMBEDDING, c.dim(), c.vocab());
        TensorInfo output = c.tiedOutput() ? embedding : shapes.require(TensorNames.OUTPUT, c.dim(), c.vocab());
        TensorInfo ropeFreqs = optionalVector(file, shapes, TensorNames.ROPE_FREQS, c.ropeDim() / 2);
        TensorInfo ropeLong = optionalVector(file, shapes, TensorNames.ROPE_FACTORS_LONG, c.ropeDim() / 2);
        TensorInfo ropeShort = optionalVector(file, shapes, TensorNames.ROPE_FACTORS_SHORT, c.ropeDim() / 2);
        boolean fused = c.block().fusedTensors();
        boolean post = c.block().postNorms();
        List<LayerTensors<TensorInfo>> layers = new ArrayList<>(c.layers());
        for (int i = 0; i < c.layers(); i++) {
            LayerTensors<String> n = TensorNames.layer(i);
            // llama.cpp's phi3 loader takes separate attn_q/k/v where a file has no attn_qkv
            TensorInfo qkv = fused && file.tensor(TensorNames.attnQkv(i)).isPresent()
                    ? shapes.require(TensorNames.attnQkv(i), c.dim(), c.qDim() + 2L * c.kvDim()) : null;
            TensorInfo gateUp = fused ? shapes.require(n.ffnUp(), c.dim(), 2L * c.ffn()) : null;
            boolean dense = !c.isMixture();
            boolean sinks = c.architecture().sinks();
            layers.add(new LayerTensors<>(
                    shapes.require(n.attnNorm(), c.dim()),
                    qkv != null ? rowView(qkv, n.attnQ(), 0, c.qDim()) : shapes.require(n.attnQ(), c.dim(), c.qDim()),
                    qkv != null ? rowView(qkv, n.attnK(), c.qDim(), c.kvDim()) : shapes.require(n.attnK(), c.dim(), c.kvDim()),
                    qkv != null ? rowView(qkv, n.attnV(), c.qDim() + (long) c.kvDim(), c.kvDim())
                            : shapes.require(n.attnV(), c.dim(), c.kvDim()),
                    c.qkvBias() ? shapes.require(n.attnQBias(), c.qDim()) : null,
                    c.qkvBias() ? shapes.require(n.attnKBias(), c.kvDim()) : null,
                    c.qkvBias() ? shapes.require(n.attnVBias(), c.kvDim()) : null,
                    c.qkNorm() ? shapes.require(n.attnQNorm(), c.headDim()) : null,
                    c.qkNorm() ? shapes.require(n.attnKNorm(), c.headDim()) : null,
                    shapes.require(n.attnOutput(), c.qDim(), c.dim()),
                    // gpt-oss names the norm in front of its experts post_attention_norm
                    shapes.require(sinks ? n.postAttnNorm() : n.ffnNorm(), c.dim()),
                    !dense ? null : fused ? rowView(gateUp, n.ffnGate(), 0, c.ffn()) : shapes.require(n.ffnGate(), c.dim(), c.ffn()),
                    !dense ? null : fused ? rowView(gateUp, n.ffnUp(), c.ffn(), c.ffn()) : shapes.require(n.ffnUp(), c.dim(), c.ffn()),
                    dense ? shapes.require(n.ffnDown(), c.ffn(), c.dim()) : null,
                    post ? shapes.require(n.postAttnNorm(), c.dim()) : null,
                    post ? shapes.require(n.postFfnNorm(), c.dim()) : null,
                    sinks ? shapes.require(n.attnSinks(), c.heads()) : null,
                    sinks ? shapes.require(n.attnOutputBias(), c.dim()) : null,
                    dense ? null : experts(shapes, c, n.experts())));
        }
        return new ModelTensors(embedding, shapes.require(TensorNames.OUTPUT_NORM, c.dim()), output, ropeFreqs, layers,
                ropeLong, ropeShort);
    }

    private static TensorInfo optionalVector(GgufFile file, ShapeChecker shapes, String name, long length) {
        return file.tensor(name).isPresent() ? shapes.require(name, length) : null;
    }

    /** A mixture-of-experts layer's router and experts (qwen3moe, gpt-oss). */
    private static ExpertTensors<TensorInfo> experts(ShapeChecker shapes, ModelConfig c, ExpertTensors<String> x) {
        ExpertConfig e = c.experts();
        boolean biases = c.architecture().experts().hasBiases();
        return new ExpertTensors<>(
                shapes.require(x.router(), c.dim(), e.count()),
                biases ? shapes.require(x.routerBias(), e.count()) : null,
                shapes.require(x.gate(), c.dim(), e.ffn(), e.count()),
                shapes.require(x.up(), c.dim(), e.ffn(), e.count()),
                shapes.require(x.down(), e.ffn(), c.dim(), e.count()),
                biases ? shapes.require(x.gateBias(), e.ffn(), e.count()) : null,
                biases ? shapes.require(x.upBias(), e.ffn(), e.count()) : null,
                biases ? shapes.require(x.downBias(), c.dim(), e.count()) : null);
    }

    /** Every distinct tensor, for byte counts and uploads (the tied output is listed once). */
    public List<TensorInfo> all() {
        List<TensorInfo> all = new ArrayList<>();
        all.add(tokenEmbedding);
        all.add(outputNorm);
        if (output != tokenEmbedding) all.add(output);
        for (TensorInfo t : new TensorInfo[] {ropeFreqs, ropeFactorsLong, ropeFactorsShort}) {
            if (t != null) all.add(t);
        }
        for (LayerTensors<TensorInfo> l : layers) all.addAll(l.present());
        return all;
    }

    /** Bytes of all weights. */
    public long totalBytes() {
        return all().stream().mapToLong(TensorInfo::byteSize).sum();
    }
}
