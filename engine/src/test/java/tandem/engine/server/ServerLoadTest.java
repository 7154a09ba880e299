package tandem.engine.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tandem.engine.api.ServerOptions;

/**
 * The server hammered as an editor plugin does: 8 clients at once against {@code --parallel 4} on the
 * demo model, mixing plain and streamed completions with clients that leave mid-stream, clients that
 * leave before the first token, and malformed bodies. Every well-formed request is answered, every
 * malformed one gets a 400 in OpenAI's shape, no sequence is left running or queued, and the heap after
 * the run is where it was after warm-up. p50/p99 latency of the answered requests are printed for the
 * README's reliability table.
 *
 * <p>CI: 8 x 25 requests; {@code -Dtandem.reliability.full=true}: 8 x 200.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class ServerLoadTest {
    private static final boolean FULL = Boolean.getBoolean("tandem.reliability.full");
    private static final int CLIENTS = 8;
    private static final int REQUESTS_PER_CLIENT = FULL ? 200 : 25;
    private static final int SLOTS = 4;
    /** Heap growth allowed from warm-up to the end: well under what the run allocates. */
    private static final long HEAP_BOUND = 8L << 20;
    private static final List<String> MALFORMED = List.of(
            "{\"prompt\": \"Once", "not json at all", "{\"prompt\": 42, \"max_tokens\": 8}",
            "{\"messages\": \"hi\"}", "{\"prompt\": \"x\", \"max_tokens\": -3}", "{\"prompt\": \"x\", \"temperature\": \"hot\"}",
            "[1, 2, 3]", "{\"messages\": [{\"role\": \"user\"}]}");

    /** What one request of the mix was, and what the server did with it. */
    enum Kind { PLAIN, STREAMED, LEFT_MID_STREAM, LEFT_AT_ONCE, MALFORMED }

    record Outcome(Kind kind, boolean asExpected, long nanos, String detail) {}

    @Test
    void eightClientsWithCancelsAndBadBodiesAreAllServed() throws Exception {
        try (ServerFixture fixture = new ServerFixture(ServerOptions.DEFAULT_MAX_BODY_BYTES, SLOTS)) {
            // warm-up: one of each well-formed kind, then the heap's baseline
            assertTrue(send(fixture, Kind.PLAIN, new Random(1)).asExpected());
            assertTrue(send(fixture, Kind.STREAMED, new Random(2)).asExpected());
            long heapBefore = heapAfterGc();
            List<String> serverThreadsBefore = serverThreads();

            List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
            try (ExecutorService clients = Executors.newFixedThreadPool(CLIENTS)) {
                List<Future<?>> running = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    Random random = new Random(1000 + c);
                    running.add(clients.submit(() -> {
                        for (int r = 0; r < REQUESTS_PER_CLIENT; r++) outcomes.add(send(fixture, pick(random), random));
                        return null;
                    }));
                }
                for (Future<?> f : running) f.get(300, TimeUnit.SECONDS);
            }

            List<Outcome> wrong = outcomes.stream().filter(o -> !o.asExpected()).toList();
            assertEquals(List.of(), wrong, "requests the server did not handle as expected");
            assertEquals(CLIENTS * REQUESTS_PER_CLIENT, outcomes.size());
            for (Kind k : Kind.values()) {
                assertTrue(outcomes.stream().anyMatch(o -> o.kind() == k), "the mix never sent a " + k + " request");
            }

            awaitIdle(fixture);
            // no stuck sequence: a request after the storm is answered at once
            assertTrue(send(fixture, Kind.PLAIN, new Random(3)).asExpected(), "the server did not answer after the load");
            long heapAfter = heapAfterGc();

            List<Long> answered = outcomes.stream().filter(o -> o.kind() == Kind.PLAIN || o.kind() == Kind.STREAMED)
                    .map(Outcome::nanos).sorted().toList();
            System.out.printf("server load: %d clients x %d requests (%d answered, %d left mid-stream, %d left at once, %d malformed); "
                            + "latency p50 %.0f ms, p99 %.0f ms; heap after GC %.1f -> %.1f MB; server threads %s -> %s%n",
                    CLIENTS, REQUESTS_PER_CLIENT, answered.size(), count(outcomes, Kind.LEFT_MID_STREAM),
                    count(outcomes, Kind.LEFT_AT_ONCE), count(outcomes, Kind.MALFORMED),
                    percentile(answered, 0.50) / 1e6, percentile(answered, 0.99) / 1e6, heapBefore / 1e6, heapAfter / 1e6,
                    serverThreadsBefore, serverThreads());
            assertTrue(heapAfter - heapBefore < HEAP_BOUND,
                    "heap grew by " + (heapAfter - heapBefore) / 1e6 + " MB over the load (bound " + HEAP_BOUND / 1e6 + " MB)");
            // a slot's thread starts when the slot is first used, so the load may add the idle slots' threads, no more
            List<String> serverThreadsAfter = serverThreads();
            assertTrue(serverThreadsAfter.containsAll(serverThreadsBefore) && serverThreadsAfter.size() <= SLOTS + 1
                    && serverThreadsAfter.stream().distinct().count() == serverThreadsAfter.size(),
                    "the server's platform threads went from " + serverThreadsBefore + " to " + serverThreadsAfter);
        }
    }

    private static Kind pick(Random random) {
        int roll = random.nextInt(100);
        if (roll < 35) return Kind.PLAIN;
        if (roll < 60) return Kind.STREAMED;
        if (roll < 75) return Kind.LEFT_MID_STREAM;
        if (roll < 85) return Kind.LEFT_AT_ONCE;
        return Kind.MALFORMED;
    }

    private static Outcome send(ServerFixture fixture, Kind kind, Random random) {
        long start = System.nanoTime();
        try {
            return switch (kind) {
                case PLAIN -> plain(fixture, random, start);
                case STREAMED -> streamed(fixture, random, start, Integer.MAX_VALUE);
                case LEFT_MID_STREAM -> streamed(fixture, random, start, 1 + random.nextInt(4));
                case LEFT_AT_ONCE -> leftAtOnce(fixture, start);
                case MALFORMED -> malformed(fixture, random, start);
            };
        } catch (IOException | RuntimeException | AssertionError e) {
            return new Outcome(kind, false, System.nanoTime() - start, e.toString());
        }
    }

    private static String body(Random random, boolean stream) {
        int maxTokens = 8 + random.nextInt(25);
        return random.nextBoolean()
                ? ServerFixture.json(Map.of("prompt", "Once upon a time", "max_tokens", maxTokens, "stream", stream,
                        "temperature", 0.8, "seed", random.nextInt(1000)))
                : ServerFixture.json(Map.of("messages", List.of(Map.of("role", "user", "content", "Tell me a story")),
                        "max_tokens", maxTokens, "stream", stream, "temperature", 0.8, "seed", random.nextInt(1000)));
    }

    private static String path(String body) {
        return body.contains("\"messages\"") ? "/v1/chat/completions" : "/v1/completions";
    }

    private static Outcome plain(ServerFixture fixture, Random random, long start) {
        String body = body(random, false);
        ServerFixture.Reply reply = fixture.post(path(body), body);
        boolean ok = reply.status() == 200 && reply.json().get("usage").get("completion_tokens").asInt() > 0;
        return new Outcome(Kind.PLAIN, ok, System.nanoTime() - start, reply.status() + " " + reply.body());
    }

    /** A streamed request read to [DONE], or left after {@code leaveAfter} data events. */
    private static Outcome streamed(ServerFixture fixture, Random random, long start, int leaveAfter) throws IOException {
        Kind kind = leaveAfter == Integer.MAX_VALUE ? Kind.STREAMED : Kind.LEFT_MID_STREAM;
        String body = body(random, true);
        try (Socket socket = open(fixture, path(body), body)) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String status = in.readLine();
            if (status == null || !status.contains(" 200 ")) return new Outcome(kind, false, System.nanoTime() - start, "status " + status);
            int events = 0;
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.startsWith("data: ")) continue;
                if (line.equals("data: [DONE]")) return new Outcome(kind, true, System.nanoTime() - start, "done");
                if (line.contains("\"error\"")) return new Outcome(kind, false, System.nanoTime() - start, line);
                if (++events == leaveAfter) return new Outcome(kind, true, System.nanoTime() - start, "left");
            }
            // a short answer may end before the client meant to leave; a full stream must end in [DONE]
            return new Outcome(kind, kind == Kind.LEFT_MID_STREAM, System.nanoTime() - start, "stream ended without [DONE]");
        }
    }

    /** Sends a streamed request and closes the connection before reading anything. */
    private static Outcome leftAtOnce(ServerFixture fixture, long start) throws IOException {
        String body = ServerFixture.json(Map.of("prompt", "The little dog", "max_tokens", 64, "stream", true));
        try (Socket socket = open(fixture, "/v1/completions", body)) {
            socket.getOutputStream().flush();
        }
        return new Outcome(Kind.LEFT_AT_ONCE, true, System.nanoTime() - start, "left");
    }

    private static Outcome malformed(ServerFixture fixture, Random random, long start) {
        String body = MALFORMED.get(random.nextInt(MALFORMED.size()));
        ServerFixture.Reply reply = fixture.post(random.nextBoolean() ? "/v1/completions" : "/v1/chat/completions", body);
        boolean ok = reply.status() == 400 && reply.json().path("error").path("message").asText().length() > 0;
        return new Outcome(Kind.MALFORMED, ok, System.nanoTime() - start, body + " -> " + reply.status() + " " + reply.body());
    }

    private static Socket open(ServerFixture fixture, String path, String body) throws IOException {
        Socket socket = new Socket("127.0.0.1", fixture.server.port());
        socket.setSoTimeout(120_000);
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + ServerFixture.KEY
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
                + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
        out.flush();
        return socket;
    }

    /** Waits until no request runs or waits: the clients that left are noticed within a few seconds. */
    private static void awaitIdle(ServerFixture fixture) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (metric(fixture, "tandem_requests_running") != 0 || metric(fixture, "tandem_queue_length") != 0) {
            assertTrue(System.nanoTime() < deadline, "sequences still running or queued a minute after the load:\n"
                    + fixture.get("/metrics", ServerFixture.KEY).body());
            Thread.sleep(50);
        }
    }

    private static long metric(ServerFixture fixture, String sample) {
        for (String line : fixture.get("/metrics", ServerFixture.KEY).body().split("\n")) {
            if (line.startsWith(sample + " ")) return (long) Double.parseDouble(line.substring(sample.length() + 1));
        }
        throw new AssertionError("no " + sample + " in /metrics");
    }

    private static long count(List<Outcome> outcomes, Kind kind) {
        return outcomes.stream().filter(o -> o.kind() == kind).count();
    }

    private static double percentile(List<Long> sorted, double p) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    /**
     * The server's own platform threads (its slots and the HTTP dispatcher; exchanges run on virtual
     * threads). The JDK's pools (the test's HTTP client, the virtual threads' carriers) grow on demand
     * up to their limits and are not counted.
     */
    private static List<String> serverThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.startsWith("tandem-") || n.startsWith("HTTP-")).sorted().toList();
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) System.gc();
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
