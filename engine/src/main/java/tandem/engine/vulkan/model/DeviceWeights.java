package tandem.engine.vulkan.model;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

import tandem.engine.api.TandemException;
import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.TensorInfo;
import tandem.engine.model.ExpertTensors;
import tandem.engine.model.LayerTensors;
import tandem.engine.model.ModelConfig;
import tandem.engine.model.ModelTensors;
import tandem.engine.model.TensorLayout;
import tandem.engine.model.TensorSlice;
import tandem.engine.model.WeightShare;
import tandem.engine.vulkan.GpuBuffer;
import tandem.engine.vulkan.MadeResources;
import tandem.engine.vulkan.RopeTable;
import tandem.engine.vulkan.VulkanDevice;
import tandem.engine.vulkan.WeightTensor;
import tandem.engine.vulkan.WeightUploader;

/**
 * The weights one device holds, uploaded from the mapped GGUF file as a {@link WeightShare} cuts
 * them: the whole model on a single device, or one device's part of a split plan. Tensor split:
 * whole rows of Q/K/V, gate/up and the output projection, the same columns of every row of
 * attn_output and ffn_down, whole copies of the norms and the embedding. Layer split: its blocks
 * whole, the embedding with the first block, the output head with the last. Q/K/V biases (qwen2)
 * follow their projections' rows; the per-head q/k norms (qwen3) are whole on every device, since
 * every head is normed with the same vector. Mixtures: the router whole everywhere, every expert's
 * gate/up rows and down columns cut like a dense FFN's; gpt-oss's sinks follow their heads and the
 * biases of attn_output and ffn_down_exps live on device 0 alone.
 */
public final class DeviceWeights implements ModelWeights, AutoCloseable {
    /** Null where this device does not look tokens up (layer split, not the first device). */
    private final WeightTensor embedding;
    /** Null where this device computes no logits (layer split, not the last device); the embedding itself when tied and held whole. */
    private final WeightTensor output;
    private final GpuBuffer outputNorm;
    private final GpuBuffer ropeTable;
    private final int ropePositions;
    private final int firstLayer;
    /** Per held block; their buffers, like all of this device's, are in {@link #owned}. */
    private final List<LayerWeights> layers;
    /** Every buffer uploaded, in the order made: one owner, closed newest first. */
    private final MadeResources owned;

    private DeviceWeights(WeightTensor embedding, WeightTensor output, GpuBuffer outputNorm, GpuBuffer ropeTable,
                          int ropePositions, int firstLayer, List<LayerWeights> layers, MadeResources owned) {
        this.embedding = embedding;
        this.output = output;
        this.outputNorm = outputNorm;
        this.ropeTable = ropeTable;
        this.ropePositions = ropePositions;
        this.firstLayer = firstLayer;
        this.layers = List.copyOf(layers);
        this.owned = owned;
    }

    @Override public WeightTensor embedding() { return embedding; }

    @Override public WeightTensor output() { return output; }

    @Override public GpuBuffer outputNorm() { return outputNorm; }

    @Override public GpuBuffer ropeTable() { return ropeTable; }

    @Override public LayerWeights layer(int layer) { return layers.get(layer - firstLayer); }

    /** Positions the rope table covers: the longest context states may have. */
    public int ropePositions() { return ropePositions; }

    public static DeviceWeights upload(VulkanDevice device, GgufFile file, ModelConfig config, ModelTensors tensors,
                                       WeightShare share, int ropePositions, LongConsumer bytesDone, BooleanSupplier cancelled) {
        MadeResources made = new MadeResources();
        try (WeightUploader up = new WeightUploader(device, bytesDone)) {
            SliceUploader s = new SliceUploader(up, file, share, made, device.label());
            TensorSlice lookup = share.sliceOf(TensorLayout.of(tensors.tokenEmbedding()));
            WeightTensor embedding = share.firstLayer() == 0 ? s.upload(tensors.tokenEmbedding(), lookup, "") : null;
            WeightTensor output = output(s, file, share.outputProjection(), lookup, embedding);
            GpuBuffer outputNorm = s.optionalVector(tensors.outputNorm());
            TensorInfo factors = tensors.ropeFactors(config, ropePositions);
            float[] freqs = factors == null ? null : s.floats(factors);
            GpuBuffer rope = made.keep(up.floats("rope table", RopeTable.build(config, ropePositions, freqs)));
            List<LayerWeights> layers = new ArrayList<>();
            for (int l = share.firstLayer(); l < share.endLayer(); l++) {
                if (cancelled.getAsBoolean()) throw new TandemException("load cancelled");
                layers.add(block(s, tensors.layers().get(l)));
            }
            return new DeviceWeights(embedding, output, outputNorm, rope, ropePositions, share.firstLayer(), layers, made);
        } catch (RuntimeException e) {
            throw made.closeAfter(e);
        }
    }

    /** One block's tensors, uploaded in the order the records list them. */
    private static LayerWeights block(SliceUploader s, LayerTensors<TensorInfo> t) {
        GpuBuffer attnNorm = s.vector(t.attnNorm());
        WeightTensor q = s.matrix(t.attnQ()), k = s.matrix(t.attnK()), v = s.matrix(t.attnV());
        WeightTensor attnOutput = s.matrix(t.attnOutput());
        GpuBuffer ffnNorm = s.vector(t.ffnNorm());
        WeightTensor gate = s.optionalMatrix(t.ffnGate()), up = s.optionalMatrix(t.ffnUp()), down = s.optionalMatrix(t.ffnDown());
        AttentionExtras extras = new AttentionExtras(s.optionalVector(t.attnQBias()), s.optionalVector(t.attnKBias()),
                s.optionalVector(t.attnVBias()), s.optionalVector(t.attnQNorm()), s.optionalVector(t.attnKNorm()),
                s.optionalVector(t.attnSinks()), s.optionalVector(t.attnOutputBias()));
        // post-norms act on the all-reduced sums: whole on every device, like the other norms
        PostNorms post = new PostNorms(s.optionalVector(t.postAttnNorm()), s.optionalVector(t.postFfnNorm()));
        ExpertTensors<TensorInfo> x = t.experts();
        ExpertWeights experts = x == null ? null : new ExpertWeights(s.matrix(x.router()), s.optionalVector(x.routerBias()),
                s.matrix(x.gate()), s.matrix(x.up()), s.matrix(x.down()), s.optionalVector(x.gateBias()),
                s.optionalVector(x.upBias()), s.optionalVector(x.downBias()));
        return new LayerWeights(attnNorm, q, k, v, attnOutput, ffnNorm, gate, up, down, extras, post, experts);
    }

    /**
     * The output projection's rows this device computes logits with. Where they are the very
     * embedding it already holds (a tied model, whole), that tensor serves both; a tensor split
     * holds its vocabulary rows of a tied embedding as a second, sliced copy.
     */
    private static WeightTensor output(SliceUploader s, GgufFile file, TensorSlice rows, TensorSlice lookup,
                                       WeightTensor embedding) {
        if (rows.isEmpty()) return null;
        if (embedding != null && rows.equals(lookup)) return embedding;
        String what = rows.count() < rows.tensor().rows() ? " (vocabulary slice)" : "";
        return s.upload(file.requireTensor(rows.tensor().name()), rows, what);
    }

    @Override
    public void close() {
        owned.closeAll();
    }
}
