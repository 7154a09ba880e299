package tandem.engine.parallel;


import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.SharedData;
import tandem.engine.tools.synth.LlamaSynth;
import tandem.engine.tools.synth.SynthPreset;
import tandem.engine.tools.synth.SynthQuant;
import tandem.engine.model.Architecture;
import tandem.engine.model.ExpertConfig;
import tandem.engine.api.SplitMode;
import tandem.engine.tensor.GgmlType;
import tandem.engine.vulkan.WithoutValidationLayer;

/**
 * qwen3moe and gpt-oss ({@code tandem synth} files: 3 KV heads and 4 layers, so tensor and layer
 * split run over 3 logical devices, with uneven shares) against the same model on one device: the
 * prompt's logits, then greedy decode steps (each fed the token the one device chose). The
 * one-device run itself is checked against the CPU engine.
 */
@ExtendWith(WithoutValidationLayer.class)
class MixtureSynthSplitTest {
    private static final int CTX = 64;
    private static final int DECODE_STEPS = 6;
    private static final String PROMPT = "Once upon a time there was a little girl who loved to play in the park with her dog";
    /** Expert width 128: Q8_0's 32-blocks give shares 1:2:1 exactly. */
    private static final SynthPreset QWEN3MOE = new SynthPreset("moe-split-test", "MoE split test", 4, 256, 6, 3, 512, 0,
            2048, 1_000_000f, 1e-6f, 64, 64, 0, new ExpertConfig(8, 2, 128));
    private static final SynthPreset GPT_OSS = new SynthPreset("moe-split-test", "MoE split test", 4, 256, 6, 3, 512, 0,
            8192, 150000f, 1e-5f, 64, 64, 128, new ExpertConfig(8, 4, 128));

    @TempDir
    static Path dir;
    private static final Map<String, Reference> references = new HashMap<>();

    private record Reference(Path model, GreedyLogits oneDevice) {}

    static Stream<Arguments> splits() {
        SplitMode t = SplitMode.TENSOR, l = SplitMode.LAYER;
        List<Arguments> cases = new ArrayList<>();
        for (String arch : List.of("qwen3moe", "gpt-oss")) {
            cases.add(Arguments.of(arch, t, List.of(0, 0), List.of()));
            cases.add(Arguments.of(arch, t, List.of(0, 0, 0), List.of(1.0, 2.0, 1.0)));
            cases.add(Arguments.of(arch, l, List.of(0, 0), List.of(1.0, 3.0)));
            cases.add(Arguments.of(arch, l, List.of(0, 0, 0), List.of(1.0, 2.0, 1.0)));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} split on devices {2} shares {3}")
    @MethodSource("splits")
    void splitLogitsMatchOneDevice(String arch, SplitMode mode, List<Integer> devices, List<Double> split) {
        Reference r = references.computeIfAbsent(arch, MixtureSynthSplitTest::reference);
        r.oneDevice().assertMatchedBy(arch + " " + mode + " " + devices + " " + split,
                r.oneDevice().replay(r.model(), GreedyLogits.vulkan(devices, split, mode, CTX)));
    }

    private static Reference reference(String arch) {
        Path model = dir.resolve(arch + ".gguf");
        // gpt-oss as llama-quantize's MXFP4_MOE writes it: experts MXFP4, other matrices Q8_0
        SynthQuant type = arch.equals("qwen3moe") ? SynthQuant.pure(GgmlType.Q8_0) : SynthQuant.parse("mxfp4_moe");
        try (GgufFile vocab = GgufFile.open(SharedData.data("models/stories260K.gguf"))) {
            LlamaSynth.plan(Architecture.forName(arch), arch.equals("qwen3moe") ? QWEN3MOE : GPT_OSS, type, vocab.metadata(), 5)
                    .write(model);
        }
        GreedyLogits one = GreedyLogits.oneDeviceCheckedOnCpu(model, PROMPT, DECODE_STEPS, CTX);
        return new Reference(model, one);
    }
}
