package tandem.engine.vulkan.model;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.TensorInfo;
import tandem.engine.model.ModelConfig;
import tandem.engine.model.ModelTensors;
import tandem.engine.api.TandemException;
import tandem.engine.tensor.Dequantizer;
import tandem.engine.vulkan.GpuBuffer;
import tandem.engine.vulkan.MadeResources;
import tandem.engine.vulkan.RopeTable;
import tandem.engine.vulkan.VulkanDevice;
import tandem.engine.vulkan.WeightTensor;
import tandem.engine.vulkan.WeightUploader;

/**
 * The weights one device holds, uploaded from the mapped GGUF file. With split mode none a
 * device holds the whole model; the tensor-parallel planner will hand each device its slices.
 */
final class DeviceModel implements ModelWeights, AutoCloseable {
    final VulkanDevice device;
    final ModelConfig config;
    final WeightTensor embedding;
    final WeightTensor output;   // the embedding itself when the output is tied
    final GpuBuffer outputNorm;
    final GpuBuffer ropeTable;   // [position][ropeDim/2] (cos, sin)
    final int ropePositions;
    final List<LayerWeights> layers;
    final List<AttentionExtras> extras;
    final List<PostNorms> postNorms;
    /** Per layer: its experts, or null (dense). */
    final List<ExpertWeights> experts;

    private DeviceModel(VulkanDevice device, ModelConfig config, WeightTensor embedding, WeightTensor output,
                        GpuBuffer outputNorm, GpuBuffer ropeTable, int ropePositions, List<LayerWeights> layers,
                        List<AttentionExtras> extras, List<PostNorms> postNorms, List<ExpertWeights> experts) {
        this.device = device;
        this.config = config;
        this.embedding = embedding;
        this.output = output;
        this.outputNorm = outputNorm;
        this.ropeTable = ropeTable;
        this.ropePositions = ropePositions;
        this.layers = List.copyOf(layers);
        this.extras = List.copyOf(extras);
        this.postNorms = List.copyOf(postNorms);
        this.experts = java.util.Collections.unmodifiableList(new ArrayList<>(experts));
    }

    @Override public WeightTensor embedding() { return embedding; }

    @Override public WeightTensor output() { return output; }

    @Override public GpuBuffer outputNorm() { return outputNorm; }

    @Override public GpuBuffer ropeTable() { return ropeTable; }

    @Override public LayerWeights layer(int layer) { return layers.get(layer); }

    @Override public AttentionExtras extras(int layer) { return extras.get(layer); }

    @Override public PostNorms postNorms(int layer) { return postNorms.get(layer); }

    @Override public ExpertWeights experts(int layer) { return experts.get(layer); }

    /** Weight bytes a device needs for the whole model. */
    static long weightBytes(ModelTensors tensors) {
        return tensors.totalBytes();
    }

    static DeviceModel upload(VulkanDevice device, GgufFile file, ModelConfig config, ModelTensors tensors,
                              int ropePositions, LongConsumer bytesDone, BooleanSupplier cancelled) {
        MadeResources made = new MadeResources();
        try (WeightUploader up = new WeightUploader(device, bytesDone)) {
            WeightTensor embedding = made.keep(matrix(up, file, tensors.tokenEmbedding()));
            WeightTensor output = tensors.output() == tensors.tokenEmbedding() ? embedding
                    : made.keep(matrix(up, file, tensors.output()));
            GpuBuffer outputNorm = made.keep(vector(up, file, tensors.outputNorm()));
            TensorInfo factors = tensors.ropeFactors(config, ropePositions);
            float[] freqs = factors == null ? null : floats(file, factors);
            GpuBuffer rope = made.keep(up.floats("rope table", RopeTable.build(config, ropePositions, freqs)));
            List<LayerWeights> layers = new ArrayList<>();
            List<AttentionExtras> extras = new ArrayList<>();
            List<PostNorms> postNorms = new ArrayList<>();
            List<ExpertWeights> experts = new ArrayList<>();
            for (ModelTensors.Layer t : tensors.layers()) {
                if (cancelled.getAsBoolean()) throw new TandemException("load cancelled");
                layers.add(made.keep(new LayerWeights(vector(up, file, t.attnNorm()),
                        matrix(up, file, t.attnQ()), matrix(up, file, t.attnK()), matrix(up, file, t.attnV()),
                        matrix(up, file, t.attnOutput()), vector(up, file, t.ffnNorm()),
                        optionalMatrix(up, file, t.ffnGate()), optionalMatrix(up, file, t.ffnUp()),
                        optionalMatrix(up, file, t.ffnDown()))));
                extras.add(made.keep(new AttentionExtras(optional(up, file, t.attnQBias()), optional(up, file, t.attnKBias()),
                        optional(up, file, t.attnVBias()), optional(up, file, t.attnQNorm()), optional(up, file, t.attnKNorm()),
                        optional(up, file, t.attnSinks()), optional(up, file, t.attnOutputBias()))));
                postNorms.add(made.keep(new PostNorms(optional(up, file, t.postAttnNorm()), optional(up, file, t.postFfnNorm()))));
                ModelTensors.ExpertTensors x = t.experts();
                experts.add(x == null ? null : made.keep(new ExpertWeights(matrix(up, file, x.router()),
                        optional(up, file, x.routerBias()), matrix(up, file, x.gate()), matrix(up, file, x.up()),
                        matrix(up, file, x.down()), optional(up, file, x.gateBias()), optional(up, file, x.upBias()),
                        optional(up, file, x.downBias()))));
            }
            return new DeviceModel(device, config, embedding, output, outputNorm, rope, ropePositions, layers, extras,
                    postNorms, experts);
        } catch (RuntimeException e) {
            throw made.closeAfter(e);
        }
    }

    private static WeightTensor matrix(WeightUploader up, GgufFile file, TensorInfo t) {
        return up.matrix(t.name(), t.type(), Math.toIntExact(t.rowCount()), Math.toIntExact(t.rowLength()), file.data(t));
    }

    private static WeightTensor optionalMatrix(WeightUploader up, GgufFile file, TensorInfo t) {
        return t == null ? null : matrix(up, file, t);
    }

    private static GpuBuffer vector(WeightUploader up, GgufFile file, TensorInfo t) {
        return up.floats(t.name(), floats(file, t));
    }

    private static GpuBuffer optional(WeightUploader up, GgufFile file, TensorInfo t) {
        return t == null ? null : vector(up, file, t);
    }

    private static float[] floats(GgufFile file, TensorInfo t) {
        return Dequantizer.dequantizeAll(t.type(), file.data(t), t.elementCount());
    }

    @Override
    public void close() {
        for (ExpertWeights e : experts.reversed()) if (e != null) e.close();
        for (PostNorms p : postNorms.reversed()) p.close();
        for (AttentionExtras e : extras.reversed()) e.close();
        for (LayerWeights l : layers.reversed()) l.close();
        ropeTable.close();
        outputNorm.close();
        if (output != embedding) output.close();
        embedding.close();
    }
}
