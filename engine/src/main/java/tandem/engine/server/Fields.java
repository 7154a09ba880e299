package tandem.engine.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * Typed reads of a request's JSON fields: absent or null is empty, a value of the wrong type or
 * outside its range is a 400 that names the field.
 */
final class Fields {
    private Fields() {}

    static Optional<JsonNode> present(JsonNode object, String name) {
        JsonNode v = object.get(name);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v);
    }

    static Optional<Double> number(JsonNode object, String name, double min, double max) {
        return present(object, name).map(v -> {
            if (!v.isNumber()) throw ApiError.invalid(name + " must be a number, got " + v, name);
            double d = v.asDouble();
            if (!(d >= min && d <= max)) throw ApiError.invalid(name + " must be between " + min + " and " + max + ", got " + v, name);
            return d;
        });
    }

    static Optional<Long> integer(JsonNode object, String name, long min, long max) {
        return present(object, name).map(v -> {
            if (!v.isIntegralNumber() || !v.canConvertToLong()) throw ApiError.invalid(name + " must be a whole number, got " + v, name);
            long n = v.asLong();
            if (n < min || n > max) throw ApiError.invalid(name + " must be between " + min + " and " + max + ", got " + v, name);
            return n;
        });
    }

    static boolean bool(JsonNode object, String name, boolean absent) {
        return present(object, name).map(v -> {
            if (!v.isBoolean()) throw ApiError.invalid(name + " must be true or false, got " + v, name);
            return v.asBoolean();
        }).orElse(absent);
    }

    static Optional<String> text(JsonNode object, String name) {
        return present(object, name).map(v -> {
            if (!v.isTextual()) throw ApiError.invalid(name + " must be a string, got " + v, name);
            return v.asText();
        });
    }

    static Optional<JsonNode> array(JsonNode object, String name) {
        return present(object, name).map(v -> {
            if (!v.isArray()) throw ApiError.invalid(name + " must be an array", name);
            return v;
        });
    }
}
