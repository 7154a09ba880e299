package tandem.engine.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import tandem.engine.api.ChatMessage;
import tandem.engine.api.GenerationResult;
import tandem.engine.api.RemoteModel;
import tandem.engine.api.SamplingParams;
import tandem.engine.api.StopReason;
import tandem.engine.api.TandemException;
import tandem.engine.api.TokenEvent;
import tandem.engine.api.TokenListener;

/**
 * Any OpenAI-compatible server (vLLM, llama.cpp's server, tandem serve, ...) as the engine: streams
 * a chat or text completion and reports it like a local generation, with the speed and time to
 * first token measured on this side. {@link #cancel()} closes the stream, which ends the remote
 * generation too. Thread-safe except for running two generations at once.
 */
public final class RemoteEngine implements RemoteModel {
    private final URI base;
    private final Optional<String> apiKey;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String model;
    private volatile InputStream running;
    private volatile boolean cancelled;

    /**
     * @param baseUrl the API's base, e.g. {@code http://host:8000/v1}
     * @param model   the model to ask for; empty: the first one the server lists
     */
    public RemoteEngine(String baseUrl, Optional<String> apiKey, Optional<String> model) {
        this.base = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
        if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme())) {
            throw new TandemException("--remote " + baseUrl + ": give an http:// or https:// URL such as http://127.0.0.1:8080/v1");
        }
        this.apiKey = apiKey.filter(k -> !k.isEmpty());
        this.model = model.orElseGet(this::firstModel);
    }

    /** The model the requests name. */
    @Override
    public String model() { return model; }

    /** The server's address, for messages. */
    @Override
    public String url() { return base.toString(); }

    /** Answers a conversation through {@code /chat/completions}. */
    @Override
    public GenerationResult chat(List<ChatMessage> conversation, SamplingParams params, TokenListener listener) {
        ObjectNode body = request(params);
        ArrayNode messages = body.putArray("messages");
        for (ChatMessage m : conversation) messages.addObject().put("role", m.role()).put("content", m.content());
        return stream("chat/completions", body, listener);
    }

    /** Continues raw text through {@code /completions}. */
    @Override
    public GenerationResult complete(String prompt, SamplingParams params, TokenListener listener) {
        ObjectNode body = request(params);
        body.put("prompt", prompt);
        return stream("completions", body, listener);
    }

    /** Ends the running generation soon, from any thread, by closing its stream. */
    @Override
    public void cancel() {
        cancelled = true;
        InputStream in = running;
        if (in != null) {
            try {
                in.close();
            } catch (IOException e) {
                // closing is all we wanted
            }
        }
    }

    private ObjectNode request(SamplingParams params) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("model", model).put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        body.put("max_tokens", params.maxTokens()).put("temperature", params.temperature()).put("top_p", params.topP())
                .put("seed", params.seed());
        // top_k, min_p and repeat_penalty are llama.cpp's and vLLM's extensions (OpenAI refuses them): sent only when set
        if (params.topK() > 0) body.put("top_k", params.topK());
        if (params.minP() > 0) body.put("min_p", params.minP());
        if (params.repeatPenalty() != 1f) body.put("repeat_penalty", params.repeatPenalty());
        if (params.presencePenalty() != 0f) body.put("presence_penalty", params.presencePenalty());
        if (params.frequencyPenalty() != 0f) body.put("frequency_penalty", params.frequencyPenalty());
        if (!params.stopStrings().isEmpty()) params.stopStrings().forEach(body.putArray("stop")::add);
        return body;
    }

    private GenerationResult stream(String path, ObjectNode body, TokenListener listener) {
        cancelled = false;
        long start = System.nanoTime();
        HttpResponse<InputStream> response = send(HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json").header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)));
        StringBuilder text = new StringBuilder();
        try (InputStream in = response.body()) {
            running = in;
            if (cancelled) return cancelledResult(text);
            GenerationResult result = new RemoteStream(new SseReader(in), listener, start, text).read();
            return cancelled ? cancelledResult(text) : result;
        } catch (IOException e) {
            if (cancelled) return cancelledResult(text);
            throw new TandemException("the remote engine at " + base + " broke off the answer: " + e.getMessage());
        } finally {
            running = null;
        }
    }

    /** What came before the stop stays, as a local generation keeps it. */
    private static GenerationResult cancelledResult(StringBuilder text) {
        return new GenerationResult(text.toString(), 0, 0, 0, 0, 0, StopReason.CANCELLED);
    }

    private HttpResponse<InputStream> send(HttpRequest.Builder request) {
        apiKey.ifPresent(k -> request.header("Authorization", "Bearer " + k));
        try {
            HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                try (InputStream in = response.body()) {
                    throw refusal(response.statusCode(), new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8));
                }
            }
            return response;
        } catch (ConnectException e) {
            throw new TandemException("cannot reach the remote engine at " + base + " (connection refused); is its server running?");
        } catch (HttpTimeoutException e) {
            throw new TandemException("the remote engine at " + base + " did not answer in time");
        } catch (IOException e) {
            throw new TandemException("the remote engine at " + base + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TandemException("interrupted while waiting for the remote engine at " + base);
        }
    }

    /** The server's own error message when it sent one in OpenAI's (or a similar) shape. */
    static TandemException refusal(int status, String body) {
        String message = body.strip();
        try {
            JsonNode json = Json.MAPPER.readTree(body);
            JsonNode error = json.path("error");
            if (error.isTextual()) message = error.asText();
            else if (error.path("message").isTextual()) message = error.path("message").asText();
            else if (json.path("message").isTextual()) message = json.path("message").asText(); // vLLM's older shape
        } catch (IOException e) {
            // not JSON: the body as it came
        }
        if (message.length() > 300) message = message.substring(0, 300) + "...";
        return new TandemException("the remote engine answered " + status + ": " + message);
    }

    private String firstModel() {
        List<String> models = models();
        if (models.isEmpty()) throw new TandemException("the remote engine at " + base + " lists no model; name one with --remote-model");
        return models.getFirst();
    }

    /** The models the server lists at {@code /models}, in its order. */
    @Override
    public List<String> models() {
        HttpResponse<InputStream> response = send(HttpRequest.newBuilder(base.resolve("models")).GET());
        try (InputStream in = response.body()) {
            List<String> ids = new java.util.ArrayList<>();
            for (JsonNode m : Json.MAPPER.readTree(in).path("data")) {
                if (m.path("id").isTextual()) ids.add(m.get("id").asText());
            }
            return ids;
        } catch (IOException e) {
            throw new TandemException("the remote engine at " + base + " sent an unreadable model list: " + e.getMessage());
        }
    }

    /** One streamed answer, read event by event. */
    private record RemoteStream(SseReader events, TokenListener listener, long start, StringBuilder text) {
        GenerationResult read() throws IOException {
            String finish = null;
            int pieces = 0;
            int promptTokens = 0;
            int completionTokens = -1;
            long first = 0;
            long last = 0;
            SseReader.Event event;
            while ((event = events.next()) != null && !event.data().equals("[DONE]")) {
                JsonNode chunk = Json.MAPPER.readTree(event.data());
                if (event.name().equals("error") || chunk.has("error")) {
                    JsonNode error = chunk.has("error") ? chunk.get("error") : chunk;
                    throw new TandemException("the remote engine failed: " + error.path("message").asText(error.toString()));
                }
                JsonNode usage = chunk.path("usage");
                if (usage.isObject()) {
                    promptTokens = usage.path("prompt_tokens").asInt(promptTokens);
                    completionTokens = usage.path("completion_tokens").asInt(completionTokens);
                }
                for (JsonNode choice : chunk.path("choices")) {
                    // llama.cpp sends "content": null in its first delta
                    JsonNode content = choice.has("delta") ? choice.path("delta").path("content") : choice.path("text");
                    String piece = content.isTextual() ? content.asText() : "";
                    if (!piece.isEmpty()) {
                        last = System.nanoTime();
                        if (pieces == 0) first = last;
                        listener.onToken(new TokenEvent(-1, piece, pieces++, last - start));
                        text.append(piece);
                    }
                    if (choice.path("finish_reason").isTextual()) finish = choice.get("finish_reason").asText();
                }
            }
            int generated = completionTokens >= 0 ? completionTokens : pieces;
            double seconds = (last - first) / 1e9;
            double rate = generated > 1 && seconds > 0 ? (generated - 1) / seconds : 0;
            return new GenerationResult(text.toString(), promptTokens, generated, 0, rate, pieces > 0 ? (first - start) / 1e6 : 0,
                    stopReason(finish));
        }

        private static StopReason stopReason(String finish) {
            if (finish == null) return StopReason.ERROR;
            return switch (finish) {
                case "length" -> StopReason.MAX_TOKENS;
                case "stop" -> StopReason.END_OF_TEXT;
                default -> StopReason.END_OF_TEXT;
            };
        }
    }
}
