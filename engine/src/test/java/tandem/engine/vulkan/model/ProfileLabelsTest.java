package tandem.engine.vulkan.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tandem.engine.Engine;
import tandem.engine.api.Backend;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.KernelTime;
import tandem.engine.api.LoadProgress;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.SamplingParams;
import tandem.engine.api.Session;
import tandem.engine.api.SplitMode;
import tandem.engine.gguf.SharedData;

/**
 * {@code bench --profile}'s table: with timestamps on every kernel, a decode step's GPU time is split
 * by kernel and both residual adds of a block (attention output, feed-forward down) are named; without
 * profiling a step is timed per layer only.
 */
class ProfileLabelsTest {
    @AfterEach
    void clearKnob() {
        System.clearProperty("tandem.profile");
    }

    private static Set<String> labelsOfAGeneration() {
        return timesOfAGeneration(false).stream().map(KernelTime::kernel).collect(Collectors.toSet());
    }

    /** The kernel times (or the host's phases) of a prompt and 4 generated tokens. */
    private static List<KernelTime> timesOfAGeneration(boolean host) {
        EngineOptions options = new EngineOptions(Backend.VULKAN, List.of(0), List.of(), SplitMode.NONE, 64);
        try (LoadedModel model = Engine.load(SharedData.data("models/stories260K.gguf"), options, LoadProgress.NONE, () -> false);
             Session session = model.newSession()) {
            session.generate("Once upon a time", new SamplingParams(0f, 0, 1f, 0f, 1f, 4, 1, 64, List.of()), event -> { });
            return host ? model.hostTimes() : model.kernelTimes();
        }
    }

    @Test
    void everyDecodeStepsHostPhasesAreTimedBesideItsGpuSpan() {
        System.setProperty("tandem.profile", "true"); // unprofiled decode reads its timestamps every few steps only
        Map<String, KernelTime> phases = timesOfAGeneration(true).stream().collect(Collectors.toMap(KernelTime::kernel, t -> t));
        assertEquals(1, phases.get("prompt: submit and wait for the GPU").calls(), phases.toString());
        assertEquals(1, phases.get("prompt: record the step").calls(), "a prompt of a new length is recorded: " + phases);
        long decodeSteps = phases.get("decode: wait for the GPU").calls();
        assertTrue(decodeSteps > 1, phases.toString());
        for (String phase : List.of("decode: write parameters", "decode: submit", "decode: (GPU span of the step)",
                "decode: read timestamps", "decode: host between steps")) {
            assertEquals(decodeSteps, phases.get(phase).calls(), phase + " in " + phases);
        }
        assertEquals(decodeSteps + 1, phases.get("copy logits").calls(), "every step's logits: " + phases);
    }

    @Test
    void unprofiledDecodeReadsItsTimestampsEveryFewStepsAndCountsThemForAll() {
        EngineOptions options = new EngineOptions(Backend.VULKAN, List.of(0), List.of(), SplitMode.NONE, 64);
        try (LoadedModel model = Engine.load(SharedData.data("models/stories260K.gguf"), options, LoadProgress.NONE, () -> false);
             Session session = model.newSession()) {
            session.generate("Once upon a time", new SamplingParams(0f, 0, 1f, 0f, 1f, 4, 1, 64, List.of()), event -> { });
            Map<String, KernelTime> phases = model.hostTimes().stream().collect(Collectors.toMap(KernelTime::kernel, t -> t));
            long decodeSteps = phases.get("decode: wait for the GPU").calls(), reads = decodeSteps / VulkanRunner.TIMESTAMP_STEPS;
            assertTrue(reads > 0, phases.toString());
            assertEquals(reads, phases.get("decode: read timestamps").calls(), phases.toString());
            // each read counts its step's times for the steps since the last: the prompt's step, then whole rounds of decode
            long layerSteps = model.kernelTimes().stream().filter(k -> k.kernel().equals("layer")).findFirst().orElseThrow().calls();
            assertEquals(1 + reads * VulkanRunner.TIMESTAMP_STEPS, layerSteps, model.kernelTimes().toString());
        }
    }

    @Test
    void profiledDecodeNamesBothResidualAddsOfABlock() {
        System.setProperty("tandem.profile", "true");
        Set<String> labels = labelsOfAGeneration();
        assertTrue(labels.stream().anyMatch(l -> l.startsWith("matvec attn_output ")), labels.toString());
        assertTrue(labels.stream().anyMatch(l -> l.startsWith("matvec ffn_down ")), labels.toString());
        assertTrue(labels.stream().noneMatch(l -> l.equals("layer")), labels.toString());
    }

    @Test
    void unprofiledStepsAreTimedPerLayer() {
        Set<String> labels = labelsOfAGeneration();
        assertTrue(labels.contains("layer"), labels.toString());
        assertTrue(labels.stream().noneMatch(l -> l.contains("attn_output")), labels.toString());
    }
}
