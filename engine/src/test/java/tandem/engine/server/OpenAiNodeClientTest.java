package tandem.engine.server;

import tandem.engine.api.ServerOptions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.engine.cli.CliRun;

/**
 * A client nobody here wrote: the official {@code openai} npm package (version pinned in
 * {@code src/test/node/package.json}, installed by {@code ./tandem test}) runs
 * {@code src/test/node/openai-client.test.mjs} against the server on stories260K - streaming and
 * not, abort mid-stream, 8 concurrent clients, wrong key, malformed JSON - with
 * {@code tandem run --temperature 0}'s text as the greedy reference. Node's failures fail this test.
 */
class OpenAiNodeClientTest {
    private static final Path NODE_TESTS = Path.of(System.getProperty("basedir", ".")).resolve("src/test/node");
    private static final String PROMPT = "Once upon a time";
    private static final int TOKENS = 30;
    private static final long NODE_TIMEOUT_SECONDS = 240;

    @Test
    void officialOpenAiClientPassesItsTests(@TempDir Path temp) throws Exception {
        if (!Files.isRegularFile(NODE_TESTS.resolve("node_modules/openai/package.json"))) {
            fail("the openai npm package is not installed in " + NODE_TESTS + ": run ./tandem test (it installs Node.js "
                    + "and the pinned package), or: cd engine/src/test/node && npm ci");
        }
        CliRun run = CliRun.of("run", "--model", ServerFixture.STORIES.toString(), "--backend", "cpu", "--prompt", PROMPT,
                "--temperature", "0", "--tokens", Integer.toString(TOKENS));
        assertEquals(0, run.status(), run.err());
        String greedy = run.out().substring(0, run.out().length() - 1);

        // four slots: the 8 concurrent clients share decode steps and queue for slots
        try (ServerFixture fixture = new ServerFixture(ServerOptions.DEFAULT_MAX_BODY_BYTES, 4)) {
            Path output = temp.resolve("node-output.txt");
            ProcessBuilder node = new ProcessBuilder("node", "--test", "openai-client.test.mjs")
                    .directory(NODE_TESTS.toFile()).redirectErrorStream(true).redirectOutput(output.toFile());
            node.environment().putAll(Map.of("BASE_URL", fixture.server.baseUrl().toString(), "API_KEY", ServerFixture.KEY,
                    "MODEL", ServerFixture.MODEL_ID, "GREEDY_PROMPT", PROMPT, "GREEDY_TEXT", greedy,
                    "GREEDY_TOKENS", Integer.toString(TOKENS)));
            Process process = start(node);
            boolean finished = process.waitFor(NODE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (!finished) process.destroyForcibly().waitFor();
            String report = Files.readString(output, StandardCharsets.UTF_8);
            assertTrue(finished, "node's tests did not finish in " + NODE_TIMEOUT_SECONDS + " s:\n" + report);
            assertEquals(0, process.exitValue(), "node's tests failed:\n" + report + "\nserver log:\n" + fixture.log);
            assertTrue(report.contains("# fail 0") && report.contains("# pass 9"), report);
        }
    }

    private static Process start(ProcessBuilder node) {
        try {
            return node.start();
        } catch (IOException e) {
            throw new AssertionError("Node.js is not installed (" + e.getMessage() + "): ./tandem test installs it, or "
                    + "sudo apt-get install -y nodejs npm", e);
        }
    }
}
