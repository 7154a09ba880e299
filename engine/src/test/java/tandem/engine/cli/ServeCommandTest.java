package tandem.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tandem.engine.gguf.SharedData;

/**
 * {@code tandem serve} as a user runs it: a separate process that prints its base URL, answers, and
 * stops cleanly on SIGTERM (Ctrl+C's shutdown path); and one-line refusals of options that would
 * expose the model or ask for what is not there, before the model is loaded.
 */
class ServeCommandTest {
    private static final String MODEL = SharedData.data("models/stories260K.gguf").toString();
    private static final Pattern SERVING = Pattern.compile("serving stories260K at (http://\\S+/v1)");

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void servesUntilTerminatedThenExits(@TempDir Path temp) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        // stderr goes to a file: a pipe read while the process exits can report "Stream closed"
        Path stderr = temp.resolve("serve.err");
        Process server = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "--add-modules=jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), "tandem.engine.cli.TandemCli",
                "serve", "--model", MODEL, "--backend", "cpu", "--ctx", "128", "--port", "0", "--api-key", "secret")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(stderr.toFile()).start();
        try {
            String base = null;
            while (base == null) {
                assertTrue(server.isAlive(), "tandem serve ended: " + Files.readString(stderr));
                Matcher m = SERVING.matcher(Files.readString(stderr));
                if (m.find()) base = m.group(1);
                else Thread.sleep(50);
            }

            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create(base + "/completions"))
                    .header("Authorization", "Bearer secret")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"Once upon a time\",\"max_tokens\":5,\"temperature\":0}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());
            assertTrue(answer.body().contains("\"text\":\", there was a little\""), answer.body());

            server.destroy(); // SIGTERM: the shutdown hook stops the server and frees the model
            assertTrue(server.waitFor(60, TimeUnit.SECONDS), "tandem serve did not stop on SIGTERM");
            String log = Files.readString(stderr);
            assertFalse(log.contains("Exception"), log);
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void exposingTheModelWithoutAKeyIsRefusedBeforeLoading() {
        CliRun run = CliRun.of("serve", "--model", MODEL, "--backend", "cpu", "--host", "0.0.0.0");
        assertEquals(1, run.status());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().contains("--api-key"), run.err());
    }

    @Test
    void parallelOutsideItsRangeIsRefusedWithAClearMessage() {
        CliRun run = CliRun.of("serve", "--model", MODEL, "--backend", "cpu", "--parallel", "0");
        assertEquals(1, run.status());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().contains("--parallel 0: give the number of requests served at once"), run.err());
    }

    @Test
    void slotsThatDoNotFitTheDeviceAreRefusedBeforeLoading() {
        // lavapipe offers 2 GiB; 64 slots of a 65536-token F16 cache of stories260K (40 MiB each) do not fit it
        CliRun run = CliRun.of("serve", "--model", MODEL, "--backend", "vulkan", "--devices", "0", "--ctx", "65536",
                "--parallel", "64", "--port", "0");
        assertEquals(1, run.status());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().contains("--parallel 64: 64 slots, each with a KV cache of 65536 tokens (40.00 MiB)"), run.err());
        assertTrue(run.err().strip().endsWith("serve with a smaller --parallel or --ctx"), run.err());
        assertFalse(run.err().contains("serving"), run.err());
    }

    @Test
    void portInUseIsOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CliRun run = CliRun.of("serve", "--model", MODEL, "--backend", "cpu", "--port", Integer.toString(taken.getLocalPort()));
            assertEquals(1, run.status());
            assertTrue(run.err().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), run.err());
            assertTrue(run.err().strip().lines().reduce((a, b) -> b).orElse("").startsWith("tandem serve: cannot listen"), run.err());
        }
    }
}
