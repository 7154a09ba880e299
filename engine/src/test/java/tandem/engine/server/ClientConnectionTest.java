package tandem.engine.server;

import tandem.engine.api.ServerOptions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tandem.engine.api.StopReason;

/**
 * The server and its clients' connections: a client that leaves mid-stream cancels its generation,
 * one that leaves while queued never runs, and one that stops reading does not hold up the model.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClientConnectionTest {

    /** Sends a streaming chat request on a raw socket and returns the socket, the answer unread. */
    private static Socket streamRequest(ServerFixture fixture, int maxTokens) throws IOException {
        String body = ServerFixture.json(Map.of("stream", true, "max_tokens", maxTokens,
                "messages", List.of(Map.of("role", "user", "content", "Go on"))));
        Socket socket = new Socket("127.0.0.1", fixture.server.port());
        OutputStream out = socket.getOutputStream();
        out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + ServerFixture.KEY
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
                + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
        out.flush();
        return socket;
    }

    /** Reads until the given number of data events have arrived. */
    private static void readEvents(Socket socket, int events) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        int seen = 0;
        String line;
        while (seen < events && (line = in.readLine()) != null) {
            if (line.startsWith("data: ")) seen++;
        }
        assertEquals(events, seen, "the stream ended early");
    }

    private static long metric(ServerFixture fixture, String sample) {
        for (String line : fixture.get("/metrics", ServerFixture.KEY).body().split("\n")) {
            if (line.startsWith(sample + " ")) return Long.parseLong(line.substring(sample.length() + 1));
        }
        throw new AssertionError("no " + sample + " in /metrics");
    }

    @Test
    void clientLeavingMidStreamCancelsItsGeneration() throws Exception {
        EndlessModel model = new EndlessModel("word ", 2);
        try (ServerFixture fixture = new ServerFixture(model, ServerOptions.DEFAULT_MAX_BODY_BYTES)) {
            try (Socket socket = streamRequest(fixture, 10_000_000)) {
                readEvents(socket, 5);
            }
            assertEquals(StopReason.CANCELLED, model.outcomes.poll(30, TimeUnit.SECONDS),
                    "the generation of a client that left did not stop");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (metric(fixture, "tandem_requests_total{outcome=\"disconnected\"}") != 1) {
                assertTrue(System.nanoTime() < deadline, "the disconnect was not counted");
                Thread.sleep(20);
            }
            assertEquals(0, metric(fixture, "tandem_requests_running"));
        }
    }

    @Test
    void clientLeavingWhileQueuedNeverRuns() throws Exception {
        EndlessModel model = new EndlessModel("word ", 2);
        try (ServerFixture fixture = new ServerFixture(model, ServerOptions.DEFAULT_MAX_BODY_BYTES);
             Socket first = streamRequest(fixture, 10_000_000)) {
            readEvents(first, 3); // first holds the model
            try (Socket second = streamRequest(fixture, 10_000_000)) {
                readEvents(second, 1); // the role chunk: it waits in the queue
                assertEquals(1, metric(fixture, "tandem_queue_length"));
            }
            // the queued client is gone; its keep-alive write notices within a few seconds
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (metric(fixture, "tandem_requests_total{outcome=\"disconnected\"}") != 1) {
                assertTrue(System.nanoTime() < deadline, "the queued client's leaving was not noticed");
                Thread.sleep(50);
            }
            first.close();
            assertEquals(StopReason.CANCELLED, model.outcomes.poll(30, TimeUnit.SECONDS));
            while (metric(fixture, "tandem_queue_length") != 0 || metric(fixture, "tandem_requests_running") != 0) {
                assertTrue(System.nanoTime() < deadline + TimeUnit.SECONDS.toNanos(30), "the queue did not drain");
                Thread.sleep(20);
            }
            assertEquals(1, model.started.get(), "the generation of the client that left while queued ran");
        }
    }

    @Test
    void clientThatStopsReadingDoesNotHoldUpTheOthers() throws Exception {
        // 400 pieces of 64 KiB: far more than the sockets' buffers, so the unread stream's writer blocks
        EndlessModel model = new EndlessModel("x".repeat(64 * 1024), 0);
        try (ServerFixture fixture = new ServerFixture(model, ServerOptions.DEFAULT_MAX_BODY_BYTES);
             Socket slow = streamRequest(fixture, 400)) {
            assertEquals(StopReason.MAX_TOKENS, model.outcomes.poll(60, TimeUnit.SECONDS),
                    "the generation waited for a client that does not read");
            ServerFixture.Reply other = fixture.post("/v1/chat/completions", ServerFixture.json(Map.of("max_tokens", 2,
                    "messages", List.of(Map.of("role", "user", "content", "Hi")))));
            assertEquals(200, other.status(), other.body());
            assertEquals(2, other.json().get("usage").get("completion_tokens").asInt());
            assertTrue(slow.isConnected());
        }
    }
}
