package tandem.engine.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tandem.engine.api.ChatMessage;
import tandem.engine.api.GenerationResult;
import tandem.engine.api.SamplingParams;
import tandem.engine.api.StopReason;
import tandem.engine.api.TandemException;

/**
 * The remote engine reading other servers' streams: recorded vLLM and llama.cpp transcripts
 * (usage chunks, {@code [DONE]}, error events, keep-alive comments; see transcripts/README.md) and
 * their refusals, replayed by a stand-in server.
 */
class RemoteTranscriptTest {
    private static final List<ChatMessage> HELLO = List.of(ChatMessage.user("Hello"));

    /** Serves one canned answer to every POST and a one-model list to GET /v1/models. */
    private static HttpServer replay(int status, String contentType, byte[] body) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            try (exchange; InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
                boolean models = exchange.getRequestMethod().equals("GET");
                byte[] answer = models ? "{\"object\":\"list\",\"data\":[{\"id\":\"served-model\",\"object\":\"model\"}]}"
                        .getBytes(StandardCharsets.UTF_8) : body;
                exchange.getResponseHeaders().set("Content-Type", models ? "application/json" : contentType);
                exchange.sendResponseHeaders(models ? 200 : status, answer.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            }
        });
        server.start();
        return server;
    }

    private static byte[] transcript(String name) throws IOException {
        try (InputStream in = RemoteTranscriptTest.class.getResourceAsStream("transcripts/" + name)) {
            return in.readAllBytes();
        }
    }

    private record Streamed(GenerationResult result, List<String> pieces) {}

    private static Streamed chat(String transcript) throws IOException {
        HttpServer server = replay(200, "text/event-stream", transcript(transcript));
        try {
            RemoteEngine remote = new RemoteEngine("http://127.0.0.1:" + server.getAddress().getPort() + "/v1", Optional.empty(),
                    Optional.empty());
            assertEquals("served-model", remote.model());
            List<String> pieces = new ArrayList<>();
            GenerationResult r = remote.chat(HELLO, SamplingParams.greedy(16), e -> pieces.add(e.text()));
            return new Streamed(r, pieces);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void vllmStreamWithUsageChunk() throws IOException {
        Streamed s = chat("vllm-chat.sse");
        assertEquals(List.of("Hello", ", wörld", "!"), s.pieces());
        assertEquals("Hello, wörld!", s.result().text());
        assertEquals(StopReason.END_OF_TEXT, s.result().stopReason());
        assertEquals(17, s.result().promptTokens());
        assertEquals(4, s.result().generatedTokens());
    }

    @Test
    void llamaCppStreamWithNullContentUsageInTheLastChunkAndComments() throws IOException {
        Streamed s = chat("llamacpp-chat.sse");
        assertEquals(List.of("Once", " upon", " a time"), s.pieces());
        assertEquals(StopReason.MAX_TOKENS, s.result().stopReason());
        assertEquals(12, s.result().promptTokens());
        assertEquals(4, s.result().generatedTokens());
    }

    @Test
    void errorEventsBecomeOneLineErrors() {
        TandemException vllm = assertThrows(TandemException.class, () -> chat("vllm-error.sse"));
        assertEquals("the remote engine failed: The engine died unexpectedly (CUDA error: out of memory)", vllm.getMessage());
        TandemException llama = assertThrows(TandemException.class, () -> chat("llamacpp-error.sse"));
        assertEquals("the remote engine failed: the request exceeds the available context size, try increasing it",
                llama.getMessage());
    }

    @Test
    void refusalsCarryTheServersMessage() throws IOException {
        // vLLM's older error body has the message at the top level
        byte[] body = "{\"object\":\"error\",\"message\":\"The model `x` does not exist.\",\"type\":\"NotFoundError\",\"param\":null,\"code\":404}"
                .getBytes(StandardCharsets.UTF_8);
        HttpServer server = replay(404, "application/json", body);
        try {
            RemoteEngine remote = new RemoteEngine("http://127.0.0.1:" + server.getAddress().getPort() + "/v1", Optional.empty(),
                    Optional.of("x"));
            TandemException e = assertThrows(TandemException.class, () -> remote.chat(HELLO, SamplingParams.greedy(4), t -> { }));
            assertEquals("the remote engine answered 404: The model `x` does not exist.", e.getMessage());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void unreachableServerIsOneLine() throws IOException {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        TandemException e = assertThrows(TandemException.class,
                () -> new RemoteEngine("http://127.0.0.1:" + port + "/v1", Optional.empty(), Optional.empty()));
        assertTrue(e.getMessage().startsWith("cannot reach the remote engine at http://127.0.0.1:" + port), e.getMessage());
    }
}
