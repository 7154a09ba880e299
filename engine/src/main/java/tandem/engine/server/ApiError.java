package tandem.engine.server;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A request the server refuses or could not serve, in OpenAI's error shape:
 * {@code {"error":{"message","type","param","code"}}} with the HTTP status OpenAI uses for it.
 */
final class ApiError extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;
    private final String code;

    private ApiError(int status, String type, String message, String param, String code) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    /** 400: the request is wrong; param names the field, when there is one. */
    static ApiError invalid(String message, String param) {
        return new ApiError(400, "invalid_request_error", message, param, null);
    }

    /** 400 with a machine-readable code, e.g. context_length_exceeded. */
    static ApiError invalid(String message, String param, String code) {
        return new ApiError(400, "invalid_request_error", message, param, code);
    }

    static ApiError unauthorized(String message) {
        return new ApiError(401, "invalid_request_error", message, null, "invalid_api_key");
    }

    static ApiError unknownModel(String model) {
        return new ApiError(404, "invalid_request_error", "The model '" + model + "' does not exist; GET /v1/models lists the model "
                + "this server runs", "model", "model_not_found");
    }

    static ApiError notFound(String method, String path) {
        return new ApiError(404, "invalid_request_error", "Unknown request URL: " + method + " " + path
                + "; this server has /v1/models, /v1/chat/completions, /v1/completions, /health and /metrics", null, "unknown_url");
    }

    static ApiError methodNotAllowed(String method, String path, String allowed) {
        return new ApiError(405, "invalid_request_error", method + " is not allowed on " + path + "; use " + allowed, null,
                "method_not_allowed");
    }

    static ApiError tooLarge(long limit) {
        return new ApiError(413, "invalid_request_error", "The request body is larger than this server's limit of " + limit
                + " bytes", null, "request_too_large");
    }

    /** 500: the engine failed while serving a valid request. */
    static ApiError server(String message) {
        return new ApiError(500, "server_error", message, null, null);
    }

    /** 503: the server is shutting down. */
    static ApiError unavailable(String message) {
        return new ApiError(503, "server_error", message, null, "unavailable");
    }

    int status() { return status; }

    /** The error body; also sent as an event when a stream fails after it started. */
    ObjectNode body() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", getMessage());
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        return root;
    }
}
