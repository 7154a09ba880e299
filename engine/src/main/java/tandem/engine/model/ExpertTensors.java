package tandem.engine.model;

import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * A mixture-of-experts FFN's tensors: the router [dim, experts] and the experts' projections as
 * 3-D tensors [input, output, expert] (expert e's rows follow expert e-1's). Generic so that the
 * file's names ({@code ExpertTensors<String>}, from {@link TensorNames#layer}) and the bound
 * tensors ({@code ExpertTensors<TensorInfo>}, from {@link ModelTensors#bind}) are listed once.
 * Biases are null where the architecture has none.
 */
public record ExpertTensors<T>(T router, T routerBias, T gate, T up, T down, T gateBias, T upBias, T downBias) {
    /** The tensors present, in declaration order (absent ones are null and left out). */
    public List<T> present() {
        return Stream.of(router, routerBias, gate, up, down, gateBias, upBias, downBias).filter(Objects::nonNull).toList();
    }
}
