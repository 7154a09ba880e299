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
     * One block's tensors. Bias and q/k-norm tensors are null for architectures without them.
     */
    public record Layer(TensorInfo attnNorm, TensorInfo attnQ, TensorInfo attnK, TensorInfo attnV,
                        TensorInfo attnQBias, TensorInfo attnKBias, TensorInfo attnVBias,
                        TensorInfo attnQNorm, TensorInfo attnKNorm, TensorInfo attnOutput,
                        TensorInfo ffnNorm, TensorInfo ffnGate, TensorInfo ffnUp, TensorInfo ffnDown) {}

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
                    shapes.require(n.ffnNorm(), c.dim()),
                    shapes.require(n.ffnGate(), c.dim(), c.ffn()),
                    shapes.require(n.ffnUp(), c.dim(), c.ffn()),
                    shapes.require(n.ffnDown(), c.ffn(), c.dim())));
        }
        return new ModelTensors(embedding, shapes.require(TensorNames.OUTPUT_NORM, c.dim()), output, ropeFreqs, layers);
    }

    /** Every distinct tensor, for byte counts and uploads (the tied output is listed once). */
    public List<TensorInfo> all() {
        List<TensorInfo> all = new ArrayList<>();
        all.add(tokenEmbedding);
        all.add(outputNorm);
        if (output != tokenEmbedding) all.add(output);
        if (ropeFreqs != null) all.add(ropeFreqs);
        for (Layer l : layers) {
            for (TensorInfo t : List.of(l.attnNorm, l.attnQ, l.attnK, l.attnV, l.attnOutput, l.ffnNorm, l.ffnGate, l.ffnUp, l.ffnDown)) {
                all.add(t);
            }
            for (TensorInfo t : new TensorInfo[] {l.attnQBias, l.attnKBias, l.attnVBias, l.attnQNorm, l.attnKNorm}) {
                if (t != null) all.add(t);
            }
        }
        return all;
    }

    /** Bytes of all weights. */
    public long totalBytes() {
        return all().stream().mapToLong(TensorInfo::byteSize).sum();
    }
}
