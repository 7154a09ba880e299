package tandem.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.engine.Engine;

class SelfCheckTest {
    @TempDir Path dir;

    private record Outcome(int status, String out, String err) {}

    private static Outcome selfCheck(Path model) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = SelfCheck.run(model, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void assertOneLineFailure(Outcome outcome) {
        assertEquals(1, outcome.status(), "exit status");
        assertTrue(outcome.err().startsWith("self-check failed: "), outcome.err());
        assertEquals(1, outcome.err().lines().count(), "one line on stderr: " + outcome.err());
    }

    @Test
    void missingModelFailsWithOneLineThatNamesIt() {
        Path missing = dir.resolve("assets").resolve("stories260K.gguf");
        Outcome outcome = selfCheck(missing);
        assertOneLineFailure(outcome);
        assertTrue(outcome.err().contains(missing.toString()), outcome.err());
        assertEquals("", outcome.out());
    }

    @Test
    void fileThatIsNoModelFailsWithOneLine() throws IOException {
        Path garbage = Files.writeString(dir.resolve("not-a-model.gguf"), "this is not a GGUF file");
        assertOneLineFailure(selfCheck(garbage));
    }

    /** The demo model (the bundled asset is a copy of it) against llama.cpp's greedy continuation, on every backend the check runs. */
    @Test
    void demoModelGeneratesLlamaCppsGreedyTextOnEveryBackendItRuns() throws IOException {
        Path models = Path.of(System.getProperty("tandem.shared", "../shared"), "data", "models");
        Outcome outcome = selfCheck(models.resolve("stories260K.gguf"));
        assertEquals(0, outcome.status(), outcome.err());
        assertEquals("", outcome.err());

        JsonNode cases = new ObjectMapper().readTree(models.resolve("stories260K.expected.json").toFile()).get("cases");
        String expected = StreamSupport.stream(cases.spliterator(), false)
                .filter(c -> c.get("prompt").asText().equals(SelfCheck.PROMPT))
                .findFirst().orElseThrow().get("continuation").asText();
        // Auto runs a real GPU where one exists; only on CPU Vulkan devices (lavapipe in CI) does the CPU run first.
        boolean realGpu = Engine.devices().stream().anyMatch(d -> !d.type().equals("cpu"));
        for (String backend : realGpu ? List.of("VULKAN") : List.of("CPU", "VULKAN")) {
            String prefix = backend + ": " + SelfCheck.PROMPT;
            String line = outcome.out().lines().filter(l -> l.startsWith(prefix)).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + backend + " line in\n" + outcome.out()));
            String generated = line.substring(prefix.length(), line.lastIndexOf(" (" + SelfCheck.TOKENS + " tokens, "));
            assertTrue(!generated.isEmpty() && expected.startsWith(generated),
                    backend + " generated '" + generated + "', llama.cpp continues '" + expected + "'");
        }
        assertTrue(outcome.out().startsWith("devices: " + Engine.devices().size() + "\n"), outcome.out());
        assertTrue(outcome.out().endsWith("self-check passed\n"), outcome.out());
    }
}
