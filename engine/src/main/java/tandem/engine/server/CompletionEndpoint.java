package tandem.engine.server;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import tandem.engine.api.ChatSession;
import tandem.engine.api.GenerationResult;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.PromptTokens;
import tandem.engine.api.ServedRequest;
import tandem.engine.api.StopReason;
import tandem.engine.api.TandemException;
import tandem.engine.server.CompletionRequest.Endpoint;
import tandem.engine.server.Generation.Done;
import tandem.engine.server.Generation.Event;
import tandem.engine.server.Generation.Failed;
import tandem.engine.server.Generation.Text;

/**
 * {@code POST /v1/chat/completions} and {@code POST /v1/completions}: checks the request, turns its
 * prompt into ids (the engine's one chat path), refuses what does not fit the context, queues the
 * generation and answers whole or as a stream. When the request's thread ends early - the client
 * went away - the generation is cancelled.
 */
final class CompletionEndpoint {
    /** How often an idle stream (queued, or a long prompt) writes a comment, which also notices a client that left. */
    private static final long KEEP_ALIVE_MILLIS = 2_000;
    /** OpenAI's default max_tokens for the legacy completions endpoint; a chat answer may fill the context. */
    private static final int TEXT_DEFAULT_MAX_TOKENS = 16;

    private final Endpoint endpoint;
    private final LoadedModel model;
    private final String modelId;
    private final GenerationQueue queue;
    private final ServerStats stats;
    private final PrintStream log;
    private final Consumer<ServedRequest> served;

    CompletionEndpoint(Endpoint endpoint, LoadedModel model, String modelId, GenerationQueue queue, ServerStats stats,
                       PrintStream log, Consumer<ServedRequest> served) {
        this.endpoint = endpoint;
        this.model = model;
        this.modelId = modelId;
        this.queue = queue;
        this.stats = stats;
        this.log = log;
        this.served = served;
    }

    void handle(HttpExchange exchange, CompletionRequest request) throws IOException {
        request.model().filter(m -> !m.equals(modelId)).ifPresent(m -> {
            throw ApiError.unknownModel(m);
        });
        int[] prompt = promptIds(request);
        int maxTokens = maxTokens(request.sampling(), prompt.length);
        Generation generation = new Generation(prompt, request.sampling().params(maxTokens));
        Replies replies = new Replies(endpoint, modelId);
        long start = System.nanoTime();
        queue.submit(generation);
        try {
            GenerationResult result = request.stream()
                    ? stream(exchange, generation, replies, request.includeUsage())
                    : whole(exchange, generation, replies);
            if (result != null) logAnswer(exchange, prompt.length, result, start);
            else report(exchange, prompt.length, 0, 0, start, "failed");
        } catch (IOException e) {
            stats.disconnected.incrementAndGet();
            log.println("tandem serve: " + exchange.getRequestURI().getPath() + ": the client left; its generation was cancelled");
            report(exchange, prompt.length, 0, 0, start, "client left");
        } catch (ApiError e) {
            report(exchange, prompt.length, 0, 0, start, "failed: " + e.getMessage());
            throw e;
        } finally {
            generation.cancel(); // the client is gone, or it is done: either way nothing more is wanted
        }
    }

    private void logAnswer(HttpExchange exchange, int promptTokens, GenerationResult result, long start) {
        stats.answered(promptTokens, result.generatedTokens());
        log.printf(Locale.ROOT, "tandem serve: %s prompt %d tokens (%d evaluated), %d generated at %.1f tok/s, finish %s, %.2f s%n",
                exchange.getRequestURI().getPath(), promptTokens, result.promptTokens(), result.generatedTokens(),
                result.tokensPerSecond(), Replies.finishReason(result.stopReason()), (System.nanoTime() - start) / 1e9);
        report(exchange, promptTokens, result.generatedTokens(), result.tokensPerSecond(), start,
                Replies.finishReason(result.stopReason()));
    }

    private void report(HttpExchange exchange, int promptTokens, int generated, double tokensPerSecond, long start, String outcome) {
        served.accept(new ServedRequest(System.currentTimeMillis(), exchange.getRequestURI().getPath(), promptTokens, generated,
                tokensPerSecond, (System.nanoTime() - start) / 1e9, outcome));
    }

    private int[] promptIds(CompletionRequest request) {
        int[] ids;
        try {
            if (endpoint == Endpoint.CHAT) ids = ChatSession.promptTokens(model, request.conversation());
            else if (request.text().isPresent()) ids = PromptTokens.encode(model.tokenizer(), request.text().get());
            else ids = checkedIds(request.tokens().orElseThrow());
        } catch (TandemException e) {
            throw ApiError.invalid(e.getMessage(), endpoint == Endpoint.CHAT ? "messages" : "prompt");
        }
        if (ids.length == 0) throw ApiError.invalid("the prompt is empty", "prompt");
        return ids;
    }

    private int[] checkedIds(int[] ids) {
        int vocab = model.tokenizer().vocabSize();
        for (int id : ids) {
            if (id < 0 || id >= vocab) throw ApiError.invalid("token id " + id + " is outside the vocabulary [0, " + vocab + ")", "prompt");
        }
        return ids;
    }

    /** The request's max_tokens, or what its default leaves; 400 when prompt and answer cannot fit the context. */
    private int maxTokens(SamplingRequest sampling, int promptTokens) {
        int context = model.plan().contextLength();
        if (promptTokens >= context) {
            throw ApiError.invalid("This model's maximum context length is " + context + " tokens. However, your prompt has "
                    + promptTokens + " tokens and leaves no room for an answer; shorten it (or serve with a larger --ctx)",
                    endpoint == Endpoint.CHAT ? "messages" : "prompt", "context_length_exceeded");
        }
        int room = context - promptTokens;
        if (sampling.maxTokens().isEmpty()) return endpoint == Endpoint.CHAT ? room : Math.min(TEXT_DEFAULT_MAX_TOKENS, room);
        int asked = sampling.maxTokens().get();
        if (asked > room) {
            throw ApiError.invalid("This model's maximum context length is " + context + " tokens. However, you requested "
                    + (promptTokens + asked) + " tokens (" + promptTokens + " in the prompt, " + asked
                    + " for the completion); reduce the prompt or max_tokens", "max_tokens", "context_length_exceeded");
        }
        return asked;
    }

    private GenerationResult whole(HttpExchange exchange, Generation generation, Replies replies) throws IOException {
        StringBuilder text = new StringBuilder();
        while (true) {
            switch (next(generation)) {
                case null -> { }
                case Text t -> text.append(t.text());
                case Done d -> {
                    GenerationResult r = finished(d);
                    HttpIo.sendJson(exchange, 200, replies.whole(text.toString(), Replies.finishReason(r.stopReason()),
                            generation.promptTokens(), r.generatedTokens()));
                    return r;
                }
                case Failed f -> throw failure(f);
            }
        }
    }

    /** The result, or null when the stream ended with an error event (it started with 200, so errors travel as events). */
    private GenerationResult stream(HttpExchange exchange, Generation generation, Replies replies, boolean includeUsage)
            throws IOException {
        SseStream sse = new SseStream(exchange);
        if (endpoint == Endpoint.CHAT) sse.event(replies.roleChunk());
        while (true) {
            switch (next(generation)) {
                case null -> sse.keepAlive();
                case Text t -> sse.event(replies.textChunk(t.text()));
                case Done d when d.result().stopReason() == StopReason.CANCELLED -> {
                    sse.event(shuttingDown().body());
                    return null;
                }
                case Done d -> {
                    GenerationResult r = d.result();
                    sse.event(replies.finishChunk(Replies.finishReason(r.stopReason())));
                    if (includeUsage) sse.event(replies.usageChunk(generation.promptTokens(), r.generatedTokens()));
                    sse.done();
                    return r;
                }
                case Failed f -> {
                    sse.event(failure(f).body());
                    return null;
                }
            }
        }
    }

    private static Event next(Generation generation) throws IOException {
        try {
            return generation.next(KEEP_ALIVE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    /** A generation cancelled while its client still waits was stopped by the server's shutdown. */
    private static GenerationResult finished(Done done) {
        if (done.result().stopReason() == StopReason.CANCELLED) throw shuttingDown();
        return done.result();
    }

    private static ApiError shuttingDown() {
        return ApiError.unavailable("the server is shutting down");
    }

    private ApiError failure(Failed failed) {
        stats.failed.incrementAndGet();
        log.println("tandem serve: generation failed: " + failed.message());
        return ApiError.server("generation failed: " + failed.message());
    }
}
