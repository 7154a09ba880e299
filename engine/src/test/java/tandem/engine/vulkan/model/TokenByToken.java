package tandem.engine.vulkan.model;

import java.util.Set;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import tandem.engine.Engine;
import tandem.engine.api.Backend;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.KernelTime;
import tandem.engine.api.LoadProgress;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.Session;
import tandem.engine.cpu.ReferenceCase;

/** A reference case's prompt fed to the Vulkan backend one token per decode step, for tests of the decode kernels. */
final class TokenByToken {
    private TokenByToken() {}

    /**
     * The prompt's last logits, from a model loaded with {@code context} positions; {@code labels} then sees the case
     * and the kernel labels of the steps run (the profile's, with -Dtandem.profile=true), to check which kernels ran.
     */
    static float[] lastLogits(ReferenceCase c, int context, BiConsumer<ReferenceCase, Set<String>> labels) {
        EngineOptions options = EngineOptions.defaults().withBackend(Backend.VULKAN).withContextLength(context);
        try (LoadedModel model = Engine.load(c.model(), options, LoadProgress.NONE, () -> false);
             Session session = model.newSession()) {
            float[] logits = null;
            for (int token : c.tokens()) logits = session.evaluate(new int[] {token});
            labels.accept(c, model.kernelTimes().stream().map(KernelTime::kernel).collect(Collectors.toSet()));
            return logits;
        }
    }
}
