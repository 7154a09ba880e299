package tandem.engine.cpu;

import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.TensorInfo;
import tandem.engine.model.LayerTensors;
import tandem.engine.model.ModelConfig;
import tandem.engine.tensor.Dequantizer;

/**
 * One transformer block's weights on the CPU: matrices stay in the mapped file, the small vectors
 * (norm scales, biases) are decoded to floats once at load. Biases, q/k norms and post-norms are
 * null when the architecture has none.
 */
record CpuLayer(float[] attnNorm, WeightMatrix q, WeightMatrix k, WeightMatrix v,
                float[] qBias, float[] kBias, float[] vBias, float[] qNorm, float[] kNorm,
                WeightMatrix attnOutput, float[] ffnNorm, WeightMatrix gate, WeightMatrix up, WeightMatrix down,
                float[] postAttnNorm, float[] postFfnNorm, float[] sinks, float[] attnOutputBias, CpuExperts experts) {

    /**
     * A block's weights; a mixture's (qwen3moe, gpt-oss) has experts instead of gate/up/down, and
     * sinks and an output bias where given. What the bound layer lacks stays null, so one load
     * serves dense blocks and mixtures alike.
     */
    static CpuLayer load(GgufFile file, ModelConfig c, LayerTensors<TensorInfo> t) {
        return new CpuLayer(vector(file, t.attnNorm()),
                WeightMatrix.of(file, t.attnQ()), WeightMatrix.of(file, t.attnK()), WeightMatrix.of(file, t.attnV()),
                vector(file, t.attnQBias()), vector(file, t.attnKBias()), vector(file, t.attnVBias()),
                vector(file, t.attnQNorm()), vector(file, t.attnKNorm()),
                WeightMatrix.of(file, t.attnOutput()), vector(file, t.ffnNorm()),
                optionalMatrix(file, t.ffnGate()), optionalMatrix(file, t.ffnUp()), optionalMatrix(file, t.ffnDown()),
                vector(file, t.postAttnNorm()), vector(file, t.postFfnNorm()), vector(file, t.attnSinks()), vector(file, t.attnOutputBias()),
                t.experts() == null ? null : CpuExperts.load(file, c.architecture().experts(), c.experts(), t.experts()));
    }

    /** A matrix a block may lack (a mixture's dense FFN); null stays null. */
    private static WeightMatrix optionalMatrix(GgufFile file, TensorInfo t) {
        return t == null ? null : WeightMatrix.of(file, t);
    }

    /** A one-dimensional tensor decoded to floats; null stays null. */
    static float[] vector(GgufFile file, TensorInfo t) {
        return t == null ? null : Dequantizer.dequantizeAll(t.type(), file.data(t), t.elementCount());
    }
}
