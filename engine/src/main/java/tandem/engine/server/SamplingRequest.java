package tandem.engine.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tandem.engine.api.SamplingParams;

/**
 * A request's sampling fields (OpenAI's, with llama.cpp's top_k, min_p and repeat_penalty), checked
 * against OpenAI's ranges. Absent fields take llama.cpp's defaults ({@link SamplingParams#defaults()}).
 *
 * @param maxTokens empty when the request sets no limit (max_completion_tokens wins over max_tokens)
 * @param seed      empty for a fresh seed per request
 */
record SamplingRequest(float temperature, int topK, float topP, float minP, float repeatPenalty,
                       float presencePenalty, float frequencyPenalty, Optional<Long> seed,
                       List<String> stop, Optional<Integer> maxTokens) {
    /** OpenAI takes at most four stop sequences. */
    private static final int MAX_STOPS = 4;

    static SamplingRequest parse(JsonNode body) {
        SamplingParams d = SamplingParams.defaults();
        // top_p 0 means "only the most likely token"; the sampler's top-p keeps at least one token.
        float topP = (float) Fields.number(body, "top_p", 0, 1).orElse((double) d.topP()).doubleValue();
        return new SamplingRequest(
                (float) Fields.number(body, "temperature", 0, 2).orElse((double) d.temperature()).doubleValue(),
                (int) Fields.integer(body, "top_k", 0, Integer.MAX_VALUE).orElse((long) d.topK()).longValue(),
                topP == 0 ? Float.MIN_NORMAL : topP,
                (float) Fields.number(body, "min_p", 0, 0.999999).orElse((double) d.minP()).doubleValue(),
                (float) Fields.number(body, "repeat_penalty", 1e-6, 100).orElse((double) d.repeatPenalty()).doubleValue(),
                (float) Fields.number(body, "presence_penalty", -2, 2).orElse(0.0).doubleValue(),
                (float) Fields.number(body, "frequency_penalty", -2, 2).orElse(0.0).doubleValue(),
                Fields.integer(body, "seed", Long.MIN_VALUE, Long.MAX_VALUE),
                stops(body),
                Fields.integer(body, "max_completion_tokens", 1, Integer.MAX_VALUE)
                        .or(() -> Fields.integer(body, "max_tokens", 1, Integer.MAX_VALUE))
                        .map(Long::intValue));
    }

    private static List<String> stops(JsonNode body) {
        Optional<JsonNode> stop = Fields.present(body, "stop");
        if (stop.isEmpty()) return List.of();
        JsonNode v = stop.get();
        if (v.isTextual()) return v.asText().isEmpty() ? List.of() : List.of(v.asText());
        if (!v.isArray() || v.size() > MAX_STOPS) {
            throw ApiError.invalid("stop must be a string or an array of at most " + MAX_STOPS + " strings", "stop");
        }
        List<String> stops = new ArrayList<>();
        for (JsonNode s : v) {
            if (!s.isTextual()) throw ApiError.invalid("stop must hold strings only, got " + s, "stop");
            if (!s.asText().isEmpty()) stops.add(s.asText());
        }
        return stops;
    }

    /** The engine's settings for a generation of at most maxTokens tokens. */
    SamplingParams params(int maxTokens) {
        SamplingParams d = SamplingParams.defaults();
        return new SamplingParams(temperature, topK, topP, minP, repeatPenalty, d.repeatLastN(),
                seed.orElseGet(System::nanoTime), maxTokens, stop, presencePenalty, frequencyPenalty);
    }
}
