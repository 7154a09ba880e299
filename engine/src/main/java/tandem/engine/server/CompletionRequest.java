package tandem.engine.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tandem.engine.api.ChatMessage;

/**
 * One {@code /v1/chat/completions} or {@code /v1/completions} request, parsed and checked: what to
 * continue (a conversation, a text or token ids), how to sample, and how to answer.
 *
 * @param model        the model the client asked for; empty when it named none
 * @param conversation the messages of a chat request (empty for a text completion)
 * @param text         the prompt of a text completion given as a string
 * @param tokens       the prompt of a text completion given as token ids
 */
record CompletionRequest(Endpoint endpoint, Optional<String> model, List<ChatMessage> conversation,
                         Optional<String> text, Optional<int[]> tokens, SamplingRequest sampling,
                         boolean stream, boolean includeUsage) {
    /** The two generating endpoints; they differ in the prompt they take and the shape they answer in. */
    enum Endpoint { CHAT, TEXT }

    /** Roles a chat template knows; OpenAI's "developer" is the newer name of "system". */
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant");

    static CompletionRequest parse(Endpoint endpoint, JsonNode body) {
        if (!body.isObject()) throw ApiError.invalid("the request body must be a JSON object", null);
        if (Fields.integer(body, "n", 1, Integer.MAX_VALUE).orElse(1L) != 1) {
            throw ApiError.invalid("n: this server returns one choice per request; send n = 1", "n");
        }
        if (Fields.bool(body, "logprobs", false)) throw ApiError.invalid("logprobs are not supported by this server", "logprobs");
        if (Fields.array(body, "tools").map(JsonNode::size).orElse(0) > 0) {
            throw ApiError.invalid("tools (function calling) are not supported by this server", "tools");
        }
        boolean stream = Fields.bool(body, "stream", false);
        boolean usage = Fields.present(body, "stream_options").map(o -> Fields.bool(o, "include_usage", false)).orElse(false);
        Optional<String> model = Fields.text(body, "model");
        SamplingRequest sampling = SamplingRequest.parse(body);
        if (endpoint == Endpoint.CHAT) {
            return new CompletionRequest(endpoint, model, messages(body), Optional.empty(), Optional.empty(), sampling, stream, usage);
        }
        if (Fields.bool(body, "echo", false)) throw ApiError.invalid("echo is not supported by this server", "echo");
        JsonNode prompt = Fields.present(body, "prompt").orElseThrow(() -> ApiError.invalid("prompt is required", "prompt"));
        // OpenAI's prompt: a string, one string in an array, or token ids (an array of whole numbers)
        if (prompt.isArray() && prompt.size() == 1 && prompt.get(0).isTextual()) prompt = prompt.get(0);
        if (prompt.isTextual()) {
            return new CompletionRequest(endpoint, model, List.of(), Optional.of(prompt.asText()), Optional.empty(), sampling, stream, usage);
        }
        return new CompletionRequest(endpoint, model, List.of(), Optional.empty(), Optional.of(tokenIds(prompt)), sampling, stream, usage);
    }

    private static int[] tokenIds(JsonNode prompt) {
        String expected = "prompt must be a string or an array of token ids (one prompt per request)";
        if (!prompt.isArray() || prompt.isEmpty()) throw ApiError.invalid(expected, "prompt");
        int[] ids = new int[prompt.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode id = prompt.get(i);
            if (!id.isIntegralNumber() || !id.canConvertToInt()) throw ApiError.invalid(expected, "prompt");
            ids[i] = id.asInt();
        }
        return ids;
    }

    private static List<ChatMessage> messages(JsonNode body) {
        JsonNode messages = Fields.array(body, "messages").orElseThrow(() -> ApiError.invalid("messages is required", "messages"));
        if (messages.isEmpty()) throw ApiError.invalid("messages must hold at least one message", "messages");
        List<ChatMessage> conversation = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            String where = "messages[" + i + "]";
            JsonNode m = messages.get(i);
            if (!m.isObject()) throw ApiError.invalid(where + " must be an object with role and content", where);
            String role = Fields.text(m, "role").orElseThrow(() -> ApiError.invalid(where + ".role is required", where + ".role"));
            if (!ROLES.contains(role)) {
                throw ApiError.invalid(where + ".role '" + role + "' is not supported; use system, user or assistant", where + ".role");
            }
            conversation.add(new ChatMessage(role.equals("developer") ? "system" : role, content(m, where, role)));
        }
        return conversation;
    }

    /** A message's text: a string, or an array of text parts; only an assistant's may be missing. */
    private static String content(JsonNode message, String where, String role) {
        JsonNode content = message.get("content");
        String param = where + ".content";
        if (content == null || content.isNull()) {
            if (role.equals("assistant")) return "";
            throw ApiError.invalid(param + " is required", param);
        }
        if (content.isTextual()) return content.asText();
        if (!content.isArray()) throw ApiError.invalid(param + " must be a string or an array of text parts", param);
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                throw ApiError.invalid(param + ": only text parts ({\"type\":\"text\",\"text\":...}) are supported", param);
            }
            text.append(part.get("text").asText());
        }
        return text.toString();
    }
}
