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
 */
public record ModelTensors(TensorInfo tokenEmbedding, TensorInfo outputNorm, TensorInfo output,
                           TensorInfo ropeFreqs, List<Layer> layers) {
    public ModelTensors {
        layers = List.copyOf(layers);
    }

    /**
     * One block's tensors. Bias and q/k-norm tensors are null for architectures without them; a
     * mixture has {@code experts} instead of ffnGate/ffnUp/ffnDown; sinks and the attention-output
     * bias are gpt-oss's.
     */
    public record Layer(TensorInfo attnNorm, TensorInfo attnQ, TensorInfo attnK, TensorInfo attnV,
                        TensorInfo attnQBias, TensorInfo attnKBias, TensorInfo attnVBias,
                        TensorInfo attnQNorm, TensorInfo attnKNorm, TensorInfo attnOutput,
                        TensorInfo ffnNorm, TensorInfo ffnGate, TensorInfo ffnUp, TensorInfo ffnDown,
                        TensorInfo attnSinks, TensorInfo attnOutputBias, ExpertTensors experts) {
        public Layer(TensorInfo attnNorm, TensorInfo attnQ, TensorInfo attnK, TensorInfo attnV,
                     TensorInfo attnQBias, TensorInfo attnKBias, TensorInfo attnVBias,
                     TensorInfo attnQNorm, TensorInfo attnKNorm, TensorInfo attnOutput,
                     TensorInfo ffnNorm, TensorInfo ffnGate, TensorInfo ffnUp, TensorInfo ffnDown) {
            this(attnNorm, attnQ, attnK, attnV, attnQBias, attnKBias, attnVBias, attnQNorm, attnKNorm, attnOutput,
                    ffnNorm, ffnGate, ffnUp, ffnDown, null, null, null);
        }
    }

    /**
     * A mixture-of-experts FFN: the router [dim, experts] and the experts' projections as 3-D
     * tensors [input, output, expert] (expert e's rows follow expert e-1's). Biases are null where
     * the architecture has none.
     */
    public record ExpertTensors(TensorInfo router, TensorInfo routerBias, TensorInfo gate, TensorInfo up, TensorInfo down,
                                TensorInfo gateBias, TensorInfo upBias, TensorInfo downBias) {
        List<TensorInfo> all() {
            List<TensorInfo> all = new ArrayList<>();
            for (TensorInfo t : new TensorInfo[] {router, routerBias, gate, up, down, gateBias, upBias, downBias}) {
                if (t != null) all.add(t);
            }
            return all;
        }
    }

    /** Finds and validates every tensor the configuration needs. */
    public static ModelTensors bind(GgufFile file, ModelConfig c) {
        ShapeChecker shapes = new ShapeChecker(file);
        TensorInfo embedding = shapes.require(TensorNames.TOKEN_EMBEDDING, c.dim(), c.vocab());
        TensorInfo output = c.tiedOutput() ? embedding : shapes.require(TensorNames.OUTPUT, c.dim(), c.vocab());
        TensorInfo ropeFreqs = file.tensor(TensorNames.ROPE_FREQS).isPresent()
                ? shapes.require(TensorNames.ROPE_FREQS, c.ropeDim() / 2) : null;
        List<Layer> layers = new ArrayList<>(c.layers());
        for (int i = 0; i < c.layers(); i++) {
            TensorNames.Layer n = TensorNames.layer(i);
            TensorNames.Experts x = TensorNames.experts(i);
            boolean dense = !c.isMixture();
            boolean sinks = c.architecture().sinks();
            layers.add(new Layer(
                    shapes.require(n.attnNorm(), c.dim()),
                    shapes.require(n.attnQ(), c.dim(), c.qDim()),
                    shapes.require(n.attnK(), c.dim(), c.kvDim()),
                    shapes.require(n.attnV(), c.dim(), c.kvDim()),
                    c.qkvBias() ? shapes.require(n.attnQBias(), c.qDim()) : null,
                    c.qkvBias() ? shapes.require(n.attnKBias(), c.kvDim()) : null,
                    c.qkvBias() ? shapes.require(n.attnVBias(), c.kvDim()) : null,
                    c.qkNorm() ? shapes.require(n.attnQNorm(), c.headDim()) : null,
                    c.qkNorm() ? shapes.require(n.attnKNorm(), c.headDim()) : null,
                    shapes.require(n.attnOutput(), c.qDim(), c.dim()),
                    // gpt-oss names the norm in front of its experts post_attention_norm
                    shapes.require(sinks ? x.postAttentionNorm() : n.ffnNorm(), c.dim()),
                    dense ? shapes.require(n.ffnGate(), c.dim(), c.ffn()) : null,
                    dense ? shapes.require(n.ffnUp(), c.dim(), c.ffn()) : null,
                    dense ? shapes.require(n.ffnDown(), c.ffn(), c.dim()) : null,
                    sinks ? shapes.require(x.sinks(), c.heads()) : null,
                    sinks ? shapes.require(x.attnOutputBias(), c.dim()) : null,
                    dense ? null : experts(shapes, c, x)));
        }
        return new ModelTensors(embedding, shapes.require(TensorNames.OUTPUT_NORM, c.dim()), output, ropeFreqs, layers);
    }

    /** A mixture-of-experts layer's router and experts (qwen3moe, gpt-oss). */
    private static ExpertTensors experts(ShapeChecker shapes, ModelConfig c, TensorNames.Experts x) {
        ExpertConfig e = c.experts();
        boolean biases = c.architecture().experts().hasBiases();
        return new ExpertTensors(
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
        if (ropeFreqs != null) all.add(ropeFreqs);
        for (Layer l : layers) {
            for (TensorInfo t : new TensorInfo[] {l.attnNorm, l.attnQ, l.attnK, l.attnV, l.attnOutput, l.ffnNorm,
                    l.ffnGate, l.ffnUp, l.ffnDown, l.attnQBias, l.attnKBias, l.attnVBias, l.attnQNorm, l.attnKNorm,
                    l.attnSinks, l.attnOutputBias}) {
                if (t != null) all.add(t);
            }
            if (l.experts != null) all.addAll(l.experts.all());
        }
        return all;
    }

    /** Bytes of all weights. */
    public long totalBytes() {
        return all().stream().mapToLong(TensorInfo::byteSize).sum();
    }
}
