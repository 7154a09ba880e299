package tandem.engine.parallel;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import tandem.engine.api.SplitMode;

/**
 * The synthetic models a split test compares, each written once per test class (by key, e.g. an
 * architecture or a quant type) and run once on one device, checked there against the CPU engine;
 * every split of it must then give the one device's logits ({@link GreedyLogits}).
 */
final class SynthSplitModels {
    /** Long enough for the batched prompt kernels with the stories260K tokenizer. */
    static final String PROMPT = "Once upon a time there was a little girl who loved to play in the park with her dog";

    private record Reference(Path model, GreedyLogits oneDevice) {}

    private final Function<String, Path> write;
    private final int decodeSteps, ctx;
    private final Map<String, Reference> references = new HashMap<>();

    /** @param write writes the model of a key and returns its file */
    SynthSplitModels(Function<String, Path> write, int decodeSteps, int ctx) {
        this.write = write;
        this.decodeSteps = decodeSteps;
        this.ctx = ctx;
    }

    void assertSplitMatchesOneDevice(String key, SplitMode mode, List<Integer> devices, List<Double> split) {
        Reference r = references.computeIfAbsent(key, k -> {
            Path model = write.apply(k);
            return new Reference(model, GreedyLogits.oneDeviceCheckedOnCpu(model, PROMPT, decodeSteps, ctx));
        });
        r.oneDevice().assertMatchedBy(key + " " + mode + " " + devices + " " + split,
                r.oneDevice().replay(r.model(), GreedyLogits.vulkan(devices, split, mode, ctx)));
    }
}
