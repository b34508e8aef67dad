package io.fleetban.controller.web;

/**
 * A request the API refuses, with the HTTP status, a message for a human and the field at fault
 * (e.g. {@code events[3].ip}), rendered as {@code {"error":"...","field":"..."}}.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String field;
    private final long retryAfterSeconds;

    public ApiException(int status, String message, String field) {
        this(status, message, field, 0);
    }

    private ApiException(int status, String message, String field, long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.field = field;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 429 with Retry-After: the agent backs off and keeps its reports in its spool meanwhile. */
    public static ApiException tooManyRequests(String message, long retryAfterSeconds) {
        return new ApiException(429, message, null, Math.max(1, retryAfterSeconds));
    }

    public static ApiException badRequest(String field, String message) {
        return new ApiException(400, message, field);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message, null);
    }

    public static ApiException conflict(String field, String message) {
        return new ApiException(409, message, field);
    }

    public int status() {
        return status;
    }

    public String field() {
        return field;
    }

    /** Seconds for the Retry-After header, or 0 for none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
