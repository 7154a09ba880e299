package tandem.engine.parallel;

import java.util.List;
import java.util.Optional;

import tandem.engine.gguf.GgufFile;
import tandem.engine.model.ModelConfig;
import tandem.engine.model.ModelTensors;
import tandem.engine.model.TensorLayout;

/**
 * What the split planner needs to know about a decoder-only transformer: its dimensions and its
 * weight tensors (named as in GGUF: {@code blk.N.attn_q.weight}, {@code output.weight}, ...).
 *
 * @param embedding model width (hidden size)
 * @param ffn       feed-forward width
 * @param vocab     vocabulary size (rows of the output projection)
 * @param windows   per layer, the sliding window its KV cache is a ring of (0: every position)
 * @param expertsUsed a mixture's experts per token (0: a dense model); its FFN width is each expert's
 */
public record ModelShape(String name, int layers, int embedding, int heads, int kvHeads, int headDim,
                         int ffn, int vocab, List<TensorLayout> tensors, List<Integer> windows, int expertsUsed) {
    /** A dense model. */
    public ModelShape(String name, int layers, int embedding, int heads, int kvHeads, int headDim, int ffn, int vocab,
                      List<TensorLayout> tensors, List<Integer> windows) {
        this(name, layers, embedding, heads, kvHeads, headDim, ffn, vocab, tensors, windows, 0);
    }

    /** A model whose layers all attend to every position. */
    public ModelShape(String name, int layers, int embedding, int heads, int kvHeads, int headDim, int ffn, int vocab,
                      List<TensorLayout> tensors) {
        this(name, layers, embedding, heads, kvHeads, headDim, ffn, vocab, tensors,
                java.util.Collections.nCopies(Math.max(layers, 0), 0));
    }

    public ModelShape {
        tensors = List.copyOf(tensors);
        windows = List.copyOf(windows);
        if (windows.size() != layers) {
            throw new IllegalArgumentException("model " + name + ": " + windows.size() + " windows for " + layers + " layers");
        }
        if (layers <= 0 || embedding <= 0 || heads <= 0 || kvHeads <= 0 || headDim <= 0 || ffn <= 0 || vocab <= 0
                || expertsUsed < 0) {
            throw new IllegalArgumentException("model " + name + ": every dimension must be positive");
        }
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("model " + name + ": " + heads + " heads are not a multiple of "
                    + kvHeads + " KV heads");
        }
    }

    /**
     * The shape of a GGUF model: dimensions from its configuration, tensors from its tensor infos.
     * A mixture's FFN width is each expert's, the width tensor split cuts.
     */
    public static ModelShape of(String name, ModelConfig config, GgufFile file) {
        return of(name, config, ModelTensors.bind(file, config));
    }

    /**
     * The shape from the tensors the forward pass reads: a fused tensor (Phi-3's attn_qkv, ffn_up)
     * appears as the separate tensors it is bound as, so it is cut exactly as they would be.
     */
    public static ModelShape of(String name, ModelConfig config, ModelTensors tensors) {
        return new ModelShape(name, config.layers(), config.dim(), config.heads(), config.kvHeads(), config.headDim(),
                config.ffnSplitWidth(), config.vocab(), tensors.all().stream().map(TensorLayout::of).toList(),
                java.util.stream.IntStream.range(0, config.layers()).mapToObj(config::window).toList(),
                config.isMixture() ? config.experts().used() : 0);
    }

    /** Experts per layer of a mixture (the matrices of its 3-D expert tensors), 0 for a dense model. */
    public int experts() {
        if (expertsUsed == 0) return 0;
        return Math.toIntExact(tensors.stream().filter(t -> t.matrices() > 1).mapToLong(TensorLayout::matrices).findFirst().orElse(0));
    }

    /**
     * The FFN activations per token of a device computing {@code columns} of the FFN width: gate and up
     * hold one row per chosen expert in a mixture.
     */
    public int ffnActivations(int columns) { return columns * Math.max(1, expertsUsed); }

    /** Query heads that share one KV head: the unit attention is split in. */
    public int queryHeadsPerGroup() { return heads / kvHeads; }

    public long tensorBytes() { return tensors.stream().mapToLong(TensorLayout::bytes).sum(); }

    public Optional<TensorLayout> tensor(String tensorName) {
        return tensors.stream().filter(t -> t.name().equals(tensorName)).findFirst();
    }

    /** True when the output projection reuses the token embedding (no {@code output.weight}). */
    public boolean tiedEmbedding() { return tensor("output.weight").isEmpty(); }

    /** A layer's tensor of the given kind, e.g. {@code layerTensor(0, "ffn_down")}. */
    public Optional<TensorLayout> layerTensor(int layer, String kind) {
        return tensor("blk." + layer + "." + kind + ".weight");
    }
}
