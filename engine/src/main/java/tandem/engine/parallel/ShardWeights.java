package tandem.engine.parallel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.TensorInfo;
import tandem.engine.model.ModelConfig;
import tandem.engine.model.ModelTensors;
import tandem.engine.model.TensorLayout;
import tandem.engine.model.TensorSlice;
import tandem.engine.api.SplitMode;
import tandem.engine.api.TandemException;
import tandem.engine.tensor.Dequantizer;
import tandem.engine.tensor.GgmlType;
import tandem.engine.vulkan.GpuBuffer;
import tandem.engine.vulkan.RopeTable;
import tandem.engine.vulkan.VulkanDevice;
import tandem.engine.vulkan.WeightTensor;
import tandem.engine.vulkan.WeightUploader;
import tandem.engine.vulkan.model.AttentionExtras;
import tandem.engine.vulkan.model.ExpertWeights;
import tandem.engine.vulkan.model.LayerWeights;
import tandem.engine.vulkan.model.ModelWeights;
import tandem.engine.vulkan.model.PostNorms;

/**
 * The weights one device holds, uploaded from the mapped GGUF file exactly as {@link SplitPlan}
 * cuts them. Tensor split: whole rows of Q/K/V, gate/up and the output projection, the same columns
 * of every row of attn_output and ffn_down, whole copies of the norms and the embedding. Layer
 * split: its blocks whole, the embedding with the first block, the output head with the last.
 * Q/K/V biases (qwen2) follow their projections' rows; the per-head q/k norms (qwen3) are
 * whole on every device, since every head is normed with the same vector. Mixtures: the router
 * whole everywhere, every expert's gate/up rows and down columns cut like a dense FFN's; gpt-oss's
 * sinks follow their heads and the biases of attn_output and ffn_down_exps live on device 0 alone.
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
    /** Per held layer: its experts or null; buffers in {@link #owned}. */
    private final List<ExpertWeights> experts;
    private final List<AutoCloseable> owned;

    private ShardWeights(WeightTensor embedding, WeightTensor output, GpuBuffer outputNorm, GpuBuffer ropeTable,
                         int ropePositions, int firstLayer, List<LayerWeights> layers, List<AttentionExtras> extras,
                         List<PostNorms> postNorms, List<ExpertWeights> experts, List<AutoCloseable> owned) {
        this.embedding = embedding;
        this.output = output;
        this.outputNorm = outputNorm;
        this.ropeTable = ropeTable;
        this.ropePositions = ropePositions;
        this.firstLayer = firstLayer;
        this.layers = List.copyOf(layers);
        this.extras = List.copyOf(extras);
        this.postNorms = List.copyOf(postNorms);
        this.experts = java.util.Collections.unmodifiableList(new ArrayList<>(experts));
        this.owned = owned;
    }

    @Override public WeightTensor embedding() { return embedding; }

    @Override public WeightTensor output() { return output; }

    @Override public GpuBuffer outputNorm() { return outputNorm; }

    @Override public GpuBuffer ropeTable() { return ropeTable; }

    @Override public LayerWeights layer(int layer) { return layers.get(layer - firstLayer); }

    @Override public AttentionExtras extras(int layer) { return extras.get(layer - firstLayer); }

    @Override public PostNorms postNorms(int layer) { return postNorms.get(layer - firstLayer); }

    @Override public ExpertWeights experts(int layer) { return experts.get(layer - firstLayer); }

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
            List<ExpertWeights> experts = new ArrayList<>();
            for (int l = held.start(); l < held.end(); l++) {
                ModelTensors.Layer t = tensors.layers().get(l);
                if (cancelled.getAsBoolean()) throw new TandemException("load cancelled");
                layers.add(new LayerWeights(s.vector(t.attnNorm()), s.matrix(t.attnQ()), s.matrix(t.attnK()),
                        s.matrix(t.attnV()), s.matrix(t.attnOutput()), s.vector(t.ffnNorm()), s.optionalMatrix(t.ffnGate()),
                        s.optionalMatrix(t.ffnUp()), s.optionalMatrix(t.ffnDown())));
                extras.add(new AttentionExtras(s.optionalVector(t.attnQBias()), s.optionalVector(t.attnKBias()),
                        s.optionalVector(t.attnVBias()), s.optionalVector(t.attnQNorm()), s.optionalVector(t.attnKNorm()),
                        s.optionalVector(t.attnSinks()), s.optionalVector(t.attnOutputBias())));
                // post-norms act on the all-reduced sums: whole on every device, like the other norms
                postNorms.add(new PostNorms(s.optionalVector(t.postAttnNorm()), s.optionalVector(t.postFfnNorm())));
                ModelTensors.ExpertTensors x = t.experts();
                experts.add(x == null ? null : new ExpertWeights(s.matrix(x.router()), s.optionalVector(x.routerBias()),
                        s.matrix(x.gate()), s.matrix(x.up()), s.matrix(x.down()), s.optionalVector(x.gateBias()),
                        s.optionalVector(x.upBias()), s.optionalVector(x.downBias())));
            }
            return new ShardWeights(embedding, output, outputNorm, rope, ropePositions, held.start(), layers, extras,
                    postNorms, experts, made);
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
         * A vector (or an expert bias [width, expert]) as floats, cut as the plan says: norms whole, a
         * bias to the elements of its projection's output rows this device computes.
         */
        GpuBuffer vector(TensorInfo t) {
            TensorSlice slice = plan.sliceOf(shard, TensorLayout.of(t));
            if (slice.isEmpty()) throw new IllegalStateException(t.name() + ": empty slice on device " + shard);
            float[] all = floats(file, t);
            if (!slice.withinRows()) return own(up.floats(t.name(), all));
            // the same columns of every row (one row for a projection's bias, one per expert for an expert bias)
            int rows = Math.toIntExact(t.rowCount()), length = Math.toIntExact(t.rowLength());
            int start = Math.toIntExact(slice.start()), count = Math.toIntExact(slice.count());
            float[] part = new float[rows * count];
            for (int r = 0; r < rows; r++) System.arraycopy(all, r * length + start, part, r * count, count);
            return own(up.floats(t.name() + " (slice)", part));
        }

        /**
         * {@link #vector} for the tensors only some architectures have; null where absent, and where
         * the plan gives this device none of it (an output bias off device 0).
         */
        GpuBuffer optionalVector(TensorInfo t) {
            return t == null || plan.sliceOf(shard, TensorLayout.of(t)).isEmpty() ? null : vector(t);
        }

        /** {@link #matrix}, null where the architecture has no such tensor (a mixture's dense FFN). */
        WeightTensor optionalMatrix(TensorInfo t) {
            return t == null ? null : matrix(t);
        }

        WeightTensor upload(TensorInfo t, TensorSlice slice, String what) {
            if (slice.isEmpty()) throw new IllegalStateException(t.name() + ": empty slice on device " + shard);
            MemorySegment data = file.data(t);
            long rowBytes = t.rowBytes();
            if (slice.eachMatrix()) return eachMatrix(up, t, slice, data, rowBytes);
            if (!slice.withinRows()) {
                return up.matrix(t.name() + what, t.type(), Math.toIntExact(slice.count()), Math.toIntExact(t.rowLength()),
                        data.asSlice(slice.start() * rowBytes, slice.count() * rowBytes));
            }
            if (slice.reencoded()) return columnsAsF16(t, slice, data);
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

        /**
         * The same columns of every row, decoded and stored as F16: the slice cuts through the file's
         * quant blocks (TensorSlice#storedType). Row by row, so only one decoded row is on the heap.
         */
        private WeightTensor columnsAsF16(TensorInfo t, TensorSlice slice, MemorySegment data) {
            int length = Math.toIntExact(t.rowLength()), start = Math.toIntExact(slice.start());
            int count = Math.toIntExact(slice.count());
            long rows = t.rowCount();
            float[] row = new float[length];
            try (Arena arena = Arena.ofShared()) {
                MemorySegment packed = arena.allocate(rows * count * Short.BYTES, 16);
                for (long r = 0; r < rows; r++) {
                    Dequantizer.dequantize(t.type(), data, r * t.rowBytes(), row, 0, length);
                    for (int c = 0; c < count; c++) {
                        packed.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, r * count + c, Float.floatToFloat16(row[start + c]));
                    }
                }
                return up.matrix(t.name() + " (column slice as F16)", GgmlType.F16, Math.toIntExact(rows), count, packed);
            }
        }
    }

    /** The same rows of every expert of a 3-D tensor, packed expert after expert. */
    private static WeightTensor eachMatrix(WeightUploader up, TensorInfo t, TensorSlice slice, MemorySegment data, long rowBytes) {
        long matrices = slice.tensor().matrices();
        long perMatrix = t.rowCount() / matrices;
        long keep = slice.count() * rowBytes;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment packed = arena.allocate(matrices * keep, 16);
            for (long m = 0; m < matrices; m++) {
                MemorySegment.copy(data, (m * perMatrix + slice.start()) * rowBytes, packed, m * keep, keep);
            }
            return up.matrix(t.name() + " (expert rows)", t.type(), Math.toIntExact(matrices * slice.count()),
                    Math.toIntExact(t.rowLength()), packed);
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
