package tandem.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import tandem.engine.gguf.SharedData;

class PlanCommandTest {
    private static final String MODEL = SharedData.data("models/stories260K.gguf").toString();

    private record Outcome(int status, String out) {}

    private static Outcome plan(String... options) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String[] args = new String[options.length + 3];
        args[0] = "plan";
        args[1] = "--model";
        args[2] = MODEL;
        System.arraycopy(options, 0, args, 3, options.length);
        int status = TandemCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        return new Outcome(status, out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void tensorSplitOverThreeLogicalDevicesListsEachWithTheRoundingNotes() {
        Outcome o = plan("--backend", "vulkan", "--devices", "0,0,0", "--split-mode", "tensor", "--ctx", "256");
        assertEquals(0, o.status(), o.out());
        assertTrue(o.out().startsWith("split tensor, context 256 tokens"), o.out());
        assertEquals(3, o.out().lines().filter(l -> l.startsWith("| 0 |") && l.endsWith("| yes |")).count(), o.out());
        // stories260K has 4 KV heads of 2 query heads each: three devices cannot share them evenly
        assertTrue(o.out().contains("note: attention: asked 1:1:1, got 2:4:2 query heads (1:2:1 KV heads; "), o.out());
    }

    /** A model with one KV head (as Gemma-3-1B) splits: the plan says both devices keep a copy of it. */
    @Test
    void oneKvHeadTensorSplitSaysEachDeviceKeepsACopy(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        String model = dir.resolve("one-kv.gguf").toString();
        assertEquals(0, CliRun.of("synth", "--preset", "tiny", "--type", "q8_0", "--kv-heads", "1", "--out", model,
                "--vocab", MODEL).status());
        CliRun r = CliRun.of("plan", "--model", model, "--backend", "vulkan", "--devices", "0,0", "--split-mode", "tensor",
                "--split", "3,1", "--ctx", "256");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("note: this model has 1 KV head: devices 0 and 1 each keep a copy of it "
                + "(K/V weights and KV cache); query heads 3:1 of 4"), r.out());
        // each device's KV cache is the whole model's: 2 layers x 256 positions x 64 x (K and V) x 2 bytes = 128 KiB
        assertEquals(2, r.out().lines().filter(l -> l.startsWith("| 0 |") && l.contains("| 128.00 KiB |")).count(), r.out());
    }

    /** The KV column follows --cache-type: q8_0 is 34/64 of f16 (2 layers x 256 positions x 128 x (K and V)). */
    @Test
    void theKvCacheColumnFollowsTheCacheType(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        String model = dir.resolve("tiny.gguf").toString();
        assertEquals(0, CliRun.of("synth", "--preset", "tiny", "--type", "q8_0", "--out", model, "--vocab", MODEL).status());
        for (String[] typeAndKv : new String[][] {{"f32", "512.00 KiB"}, {"f16", "256.00 KiB"}, {"q8_0", "136.00 KiB"}}) {
            CliRun r = CliRun.of("plan", "--model", model, "--backend", "vulkan", "--ctx", "256", "--cache-type", typeAndKv[0]);
            assertEquals(0, r.status(), r.err());
            assertTrue(r.out().startsWith("split none, context 256 tokens, KV cache " + typeAndKv[0] + "\n"), r.out());
            assertTrue(r.out().contains("| " + typeAndKv[1] + " |"), typeAndKv[0] + ":\n" + r.out());
        }
    }

    @Test
    void aContextTooLargeForTheDeviceIsReportedAndExitsOne() {
        Outcome o = plan("--backend", "vulkan", "--devices", "0,0", "--split-mode", "layer", "--ctx", "100000000");
        assertEquals(1, o.status(), o.out());
        assertEquals(2, o.out().lines().filter(l -> l.endsWith("| no |")).count(), o.out());
    }
}
