package tandem.engine.model;

import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The one list of a transformer block's tensors. Generic so that the file's names
 * ({@code LayerTensors<String>}, from {@link TensorNames#layer}) and the tensors bound and checked
 * against them ({@code LayerTensors<TensorInfo>}, in {@link ModelTensors#layers}) cannot drift apart:
 * a tensor added here has a name and a binding or the code does not compile.
 * <p>
 * In a bound layer, bias, q/k-norm and post-norm tensors are null for architectures without them.
 * Where the file fuses Q/K/V or gate/up (Phi-3), q, k, v, gate and up are row views of the fused
 * tensor, so every backend and the split planner see separate tensors. A mixture has
 * {@code experts} instead of ffnGate/ffnUp/ffnDown (a dense block's experts are null); sinks and
 * the attention-output bias are gpt-oss's.
 *
 * @param postAttnNorm Gemma's norm of the attention output before its residual add
 * @param postFfnNorm  Gemma's norm of the FFN output before its residual add
 */
public record LayerTensors<T>(T attnNorm, T attnQ, T attnK, T attnV,
                              T attnQBias, T attnKBias, T attnVBias,
                              T attnQNorm, T attnKNorm, T attnOutput,
                              T ffnNorm, T ffnGate, T ffnUp, T ffnDown,
                              T postAttnNorm, T postFfnNorm,
                              T attnSinks, T attnOutputBias, ExpertTensors<T> experts) {
    /** The tensors present, the experts' last (absent ones are null and left out). */
    public List<T> present() {
        Stream<T> own = Stream.of(attnNorm, attnQ, attnK, attnV, attnQBias, attnKBias, attnVBias, attnQNorm, attnKNorm,
                attnOutput, ffnNorm, ffnGate, ffnUp, ffnDown, postAttnNorm, postFfnNorm, attnSinks, attnOutputBias);
        Stream<T> experts = this.experts == null ? Stream.empty() : this.experts.present().stream();
        return Stream.concat(own.filter(Objects::nonNull), experts).toList();
    }
}
