package tandem.engine.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.UUID;
import tandem.engine.api.StopReason;
import tandem.engine.server.CompletionRequest.Endpoint;

/**
 * OpenAI's response shapes for one request: {@code chat.completion} and its
 * {@code chat.completion.chunk}s, or {@code text_completion} (whole and streamed alike).
 */
final class Replies {
    private final Endpoint endpoint;
    private final String id;
    private final long created;
    private final String model;

    Replies(Endpoint endpoint, String model) {
        this.endpoint = endpoint;
        this.id = (endpoint == Endpoint.CHAT ? "chatcmpl-" : "cmpl-") + UUID.randomUUID().toString().replace("-", "");
        this.created = System.currentTimeMillis() / 1000;
        this.model = model;
    }

    /** OpenAI's finish_reason: "stop" at an end token or stop string, "length" at max_tokens or a full context. */
    static String finishReason(StopReason reason) {
        return switch (reason) {
            case MAX_TOKENS, CONTEXT_FULL -> "length";
            default -> "stop";
        };
    }

    /** The whole answer of a request that did not stream. */
    ObjectNode whole(String text, String finishReason, int promptTokens, int completionTokens) {
        ObjectNode root = head(endpoint == Endpoint.CHAT ? "chat.completion" : "text_completion");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        if (endpoint == Endpoint.CHAT) {
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            message.put("content", text);
            message.putNull("refusal");
        } else {
            choice.put("text", text);
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        root.set("usage", usage(promptTokens, completionTokens));
        return root;
    }

    /** The first event of a chat stream: the assistant's role, no text yet (text completions have none). */
    ObjectNode roleChunk() {
        ObjectNode chunk = chunk(null);
        ((ObjectNode) choice(chunk).get("delta")).put("role", "assistant").put("content", "");
        return chunk;
    }

    /** A streamed piece of text. */
    ObjectNode textChunk(String text) {
        ObjectNode chunk = chunk(null);
        if (endpoint == Endpoint.CHAT) ((ObjectNode) choice(chunk).get("delta")).put("content", text);
        else choice(chunk).put("text", text);
        return chunk;
    }

    /** The stream's last choice event, with its finish_reason and no text. */
    ObjectNode finishChunk(String finishReason) {
        ObjectNode chunk = chunk(finishReason);
        if (endpoint == Endpoint.TEXT) choice(chunk).put("text", "");
        return chunk;
    }

    /** With stream_options.include_usage: the event after the last choice, usage and no choices. */
    ObjectNode usageChunk(int promptTokens, int completionTokens) {
        ObjectNode root = head(endpoint == Endpoint.CHAT ? "chat.completion.chunk" : "text_completion");
        root.putArray("choices");
        root.set("usage", usage(promptTokens, completionTokens));
        return root;
    }

    private ObjectNode chunk(String finishReason) {
        ObjectNode root = head(endpoint == Endpoint.CHAT ? "chat.completion.chunk" : "text_completion");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        if (endpoint == Endpoint.CHAT) choice.putObject("delta");
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        return root;
    }

    private static ObjectNode choice(ObjectNode chunk) {
        return (ObjectNode) chunk.get("choices").get(0);
    }

    private ObjectNode head(String object) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("id", id);
        root.put("object", object);
        root.put("created", created);
        root.put("model", model);
        return root;
    }

    private static ObjectNode usage(int promptTokens, int completionTokens) {
        ObjectNode usage = Json.MAPPER.createObjectNode();
        usage.put("prompt_tokens", promptTokens);
        usage.put("completion_tokens", completionTokens);
        usage.put("total_tokens", promptTokens + completionTokens);
        return usage;
    }
}
