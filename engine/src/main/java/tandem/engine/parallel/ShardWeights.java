package tandem.engine.parallel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.TensorInfo;
import tandem.engine.model.ModelConfig;
import tandem.engine.model.ModelTensors;
import tandem.engine.runtime.SplitMode;
import tandem.engine.runtime.TandemException;
import tandem.engine.tensor.Dequantizer;
import tandem.engine.vulkan.GpuBuffer;
import tandem.engine.vulkan.RopeTable;
import tandem.engine.vulkan.VulkanDevice;
import tandem.engine.vulkan.WeightTensor;
import tandem.engine.vulkan.WeightUploader;
import tandem.engine.vulkan.model.AttentionExtras;
import tandem.engine.vulkan.model.LayerWeights;
import tandem.engine.vulkan.model.ModelWeights;
import tandem.engine.vulkan.model.PostNorms;

/**
 * The weights one device holds, uploaded from the mapped GGUF file exactly as {@link SplitPlan}
 * cuts them. Tensor split: whole rows of Q/K/V, gate/up and the output projection, the same columns
 * of every row of attn_output and ffn_down, whole copies of the norms and the embedding. Layer
 * split: its blocks whole, the embedding with the first block, the output head with the last.
 * Q/K/V biases (qwen2) follow their projections' rows; the per-head q/k norms (qwen3) are
 * whole on every device, since every head is normed with the same vector.
 */
final class ShardWeights implements ModelWeights, AutoCloseable {
    /** Null where this device does not look tokens up (layer split, not the first device). */
    final WeightTensor embedding;
    /** Null where this device computes no logits (layer split, not the last device). */
    final WeightTensor output;
    final GpuBuffer outputNorm;
    final GpuBuffer ropeTable;
    final int ropePositions;
    private final int firstLayer;
    private final List<LayerWeights> layers;
    /** Per held layer; their buffers are in {@link #owned}. */
    private final List<AttentionExtras> extras;
    private final List<PostNorms> postNorms;
    private final List<AutoCloseable> owned;

    private ShardWeights(WeightTensor embedding, WeightTensor output, GpuBuffer outputNorm, GpuBuffer ropeTable,
                         int ropePositions, int firstLayer, List<LayerWeights> layers, List<AttentionExtras> extras,
                         List<PostNorms> postNorms, List<AutoCloseable> owned) {
        this.embedding = embedding;
        this.output = output;
        this.outputNorm = outputNorm;
        this.ropeTable = ropeTable;
        this.ropePositions = ropePositions;
        this.firstLayer = firstLayer;
        this.layers = List.copyOf(layers);
        this.extras = List.copyOf(extras);
        this.postNorms = List.copyOf(postNorms);
        this.owned = owned;
    }

    @Override public WeightTensor embedding() { return embedding; }

    @Override public WeightTensor output() { return output; }

    @Override public GpuBuffer outputNorm() { return outputNorm; }

    @Override public GpuBuffer ropeTable() { return ropeTable; }

    @Override public LayerWeights layer(int layer) { return layers.get(layer - firstLayer); }

    @Override public AttentionExtras extras(int layer) { return extras.get(layer - firstLayer); }

    @Override public PostNorms postNorms(int layer) { return postNorms.get(layer - firstLayer); }

    static ShardWeights upload(VulkanDevice device, int shard, SplitPlan plan, GgufFile file, ModelConfig config,
                               ModelTensors tensors, int ropePositions, LongConsumer bytesDone, BooleanSupplier cancelled) {
        List<AutoCloseable> made = new ArrayList<>();
        try (WeightUploader up = new WeightUploader(device, bytesDone)) {
            Slicer s = new Slicer(up, file, plan, shard, made);
            boolean tensorSplit = plan.mode() == SplitMode.TENSOR;
            SliceRange held = plan.devices().get(shard).layers();
            boolean first = held.contains(0);
            boolean last = held.contains(config.layers() - 1);
            WeightTensor embedding = tensorSplit || first ? s.matrix(tensors.tokenEmbedding()) : null;
            WeightTensor output = null;
            if (tensorSplit) {
                TensorSlice out = plan.outputProjection(shard);
                output = s.own(s.upload(file.requireTensor(out.tensor().name()), out, " (vocabulary slice)"));
            } else if (last) {
                boolean tied = tensors.output() == tensors.tokenEmbedding();
                output = tied && embedding != null ? embedding : s.matrix(tensors.output());
            }
            GpuBuffer outputNorm = tensorSplit || last ? s.vector(tensors.outputNorm()) : null;
            TensorInfo factors = tensors.ropeFactors(config, ropePositions);
            float[] freqs = factors == null ? null : floats(file, factors);
            GpuBuffer rope = s.own(up.floats("rope table", RopeTable.build(config, ropePositions, freqs)));
            List<LayerWeights> layers = new ArrayList<>();
            List<AttentionExtras> extras = new ArrayList<>();
            List<PostNorms> postNorms = new ArrayList<>();
            for (int l = held.start(); l < held.end(); l++) {
                ModelTensors.Layer t = tensors.layers().get(l);
                if (cancelled.getAsBoolean()) throw new TandemException("load cancelled");
                layers.add(new LayerWeights(s.vector(t.attnNorm()), s.matrix(t.attnQ()), s.matrix(t.attnK()),
                        s.matrix(t.attnV()), s.matrix(t.attnOutput()), s.vector(t.ffnNorm()), s.matrix(t.ffnGate()),
                        s.matrix(t.ffnUp()), s.matrix(t.ffnDown())));
                extras.add(new AttentionExtras(s.optionalVector(t.attnQBias()), s.optionalVector(t.attnKBias()),
                        s.optionalVector(t.attnVBias()), s.optionalVector(t.attnQNorm()), s.optionalVector(t.attnKNorm())));
                // post-norms act on the all-reduced sums: whole on every device, like the other norms
                postNorms.add(new PostNorms(s.optionalVector(t.postAttnNorm()), s.optionalVector(t.postFfnNorm())));
            }
            return new ShardWeights(embedding, output, outputNorm, rope, ropePositions, held.start(), layers, extras, postNorms,
                    made);
        } catch (RuntimeException e) {
            closeAll(made, e);
            throw e;
        }
    }

    /** Cuts and uploads one device's tensors, remembering each for clean-up. */
    private record Slicer(WeightUploader up, GgufFile file, SplitPlan plan, int shard, List<AutoCloseable> made) {
        <T extends AutoCloseable> T own(T resource) {
            made.add(resource);
            return resource;
        }

        WeightTensor matrix(TensorInfo t) {
            return own(upload(t, plan.sliceOf(shard, TensorLayout.of(t)), ""));
        }

        /**
         * A one-row tensor as floats, cut as the plan says: norms whole, a bias to the elements of
         * its projection's output rows this device computes.
         */
        GpuBuffer vector(TensorInfo t) {
            TensorSlice slice = plan.sliceOf(shard, TensorLayout.of(t));
            if (slice.isEmpty()) throw new IllegalStateException(t.name() + ": empty slice on device " + shard);
            float[] all = floats(file, t);
            if (!slice.withinRows()) return own(up.floats(t.name(), all));
            float[] part = Arrays.copyOfRange(all, Math.toIntExact(slice.start()),
                    Math.toIntExact(slice.start() + slice.count()));
            return own(up.floats(t.name() + " (slice)", part));
        }

        /** {@link #vector} for the tensors only some architectures have; null where absent. */
        GpuBuffer optionalVector(TensorInfo t) {
            return t == null ? null : vector(t);
        }

        WeightTensor upload(TensorInfo t, TensorSlice slice, String what) {
            if (slice.isEmpty()) throw new IllegalStateException(t.name() + ": empty slice on device " + shard);
            MemorySegment data = file.data(t);
            long rowBytes = t.rowBytes();
            if (!slice.withinRows()) {
                return up.matrix(t.name() + what, t.type(), Math.toIntExact(slice.count()), Math.toIntExact(t.rowLength()),
                        data.asSlice(slice.start() * rowBytes, slice.count() * rowBytes));
            }
            // the same columns of every row: gather them into one packed matrix
            long skip = t.type().byteSize(slice.start());
            long keep = t.type().byteSize(slice.count());
            long rows = t.rowCount();
            try (Arena arena = Arena.ofShared()) {
                MemorySegment packed = arena.allocate(rows * keep, 16);
                for (long r = 0; r < rows; r++) MemorySegment.copy(data, r * rowBytes + skip, packed, r * keep, keep);
                return up.matrix(t.name() + " (column slice)", t.type(), Math.toIntExact(rows),
                        Math.toIntExact(slice.count()), packed);
            }
        }
    }

    private static float[] floats(GgufFile file, TensorInfo t) {
        return Dequantizer.dequantizeAll(t.type(), file.data(t), t.elementCount());
    }

    private static void closeAll(List<AutoCloseable> resources, RuntimeException failure) {
        for (AutoCloseable c : resources.reversed()) {
            try {
                c.close();
            } catch (Exception suppressed) {
                if (failure != null) failure.addSuppressed(suppressed);
            }
        }
    }

    @Override
    public void close() {
        closeAll(owned, null);
    }
}
