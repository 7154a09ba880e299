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

    @Test
    void aContextTooLargeForTheDeviceIsReportedAndExitsOne() {
        Outcome o = plan("--backend", "vulkan", "--devices", "0,0", "--split-mode", "layer", "--ctx", "100000000");
        assertEquals(1, o.status(), o.out());
        assertEquals(2, o.out().lines().filter(l -> l.endsWith("| no |")).count(), o.out());
    }
}
