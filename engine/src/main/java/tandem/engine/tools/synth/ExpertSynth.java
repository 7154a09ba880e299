package tandem.engine.tools.synth;

import tandem.engine.gguf.GgufValue;
import tandem.engine.gguf.GgufWriter;
import tandem.engine.model.Architecture;
import tandem.engine.model.ExpertConfig;
import tandem.engine.model.ExpertTensors;
import tandem.engine.model.LayerTensors;
import tandem.engine.model.TensorNames;
import tandem.engine.tensor.GgmlType;

/**
 * The mixture-of-experts part of a synthetic model, as llama.cpp's converter writes it: the expert
 * keys, per layer the F32 router and the 3-D expert tensors of the file's type; gpt-oss also YaRN (factor 32 over 4096 positions), sinks, post_attention_norm, and
 * biases on attn_output, the router and every expert.
 */
final class ExpertSynth {
    private ExpertSynth() {}

    private static final float GPT_OSS_YARN_FACTOR = 32f;
    private static final int GPT_OSS_YARN_ORIGINAL_CONTEXT = 4096;
    /** gpt-oss's sinks are learned logits of a few units. */
    private static final float SINK_MEAN = 2f;

    static void putMetadata(GgufWriter w, Architecture arch, SynthPreset p) {
        ExpertConfig e = p.experts();
        w.put(arch.key("expert_count"), GgufValue.uint32(e.count()))
                .put(arch.key("expert_used_count"), GgufValue.uint32(e.used()))
                .put(arch.key("expert_feed_forward_length"), GgufValue.uint32(e.ffn()));
        if (arch.sinks()) {
            w.putString(arch.key("rope.scaling.type"), "yarn")
                    .put(arch.key("rope.scaling.factor"), GgufValue.float32(GPT_OSS_YARN_FACTOR))
                    .put(arch.key("rope.scaling.original_context_length"), GgufValue.uint32(GPT_OSS_YARN_ORIGINAL_CONTEXT));
        }
    }

    /** Layer {@code layer}'s FFN norm, router and experts (and gpt-oss's attention extras). */
    static void addLayer(GgufWriter w, Architecture arch, SynthPreset p, int layer, GgmlType type, long seed, long[] seq) {
        ExpertConfig e = p.experts();
        LayerTensors<String> names = TensorNames.layer(layer);
        ExpertTensors<String> n = names.experts();
        boolean oss = arch.sinks();
        if (oss) {
            LlamaSynth.addFloats(w, names.attnOutputBias(), p.dim(), 0f, LlamaSynth.BIAS_SPREAD, seed, seq);
            LlamaSynth.addFloats(w, names.attnSinks(), p.heads(), SINK_MEAN, LlamaSynth.BIAS_SPREAD, seed, seq);
        }
        LlamaSynth.addNorm(w, oss ? names.postAttnNorm() : names.ffnNorm(), p.dim());
        LlamaSynth.add(w, n.router(), GgmlType.F32, new long[] {p.dim(), e.count()}, seed, seq);
        LlamaSynth.add(w, n.gate(), type, new long[] {p.dim(), e.ffn(), e.count()}, seed, seq);
        LlamaSynth.add(w, n.up(), type, new long[] {p.dim(), e.ffn(), e.count()}, seed, seq);
        LlamaSynth.add(w, n.down(), type, new long[] {e.ffn(), p.dim(), e.count()}, seed, seq);
        if (arch.experts().hasBiases()) {
            LlamaSynth.addFloats(w, n.routerBias(), e.count(), 0f, LlamaSynth.BIAS_SPREAD, seed, seq);
            addBias(w, n.gateBias(), e.ffn(), e.count(), seed, seq);
            addBias(w, n.upBias(), e.ffn(), e.count(), seed, seq);
            addBias(w, n.downBias(), p.dim(), e.count(), seed, seq);
        }
    }

    /** An expert bias [width, experts] (F32, random like the other biases). */
    private static void addBias(GgufWriter w, String name, int width, int experts, long seed, long[] seq) {
        LlamaSynth.addFloats(w, name, new long[] {width, experts}, 0f, LlamaSynth.BIAS_SPREAD, seed, seq);
    }
}
