package io.fleetban.controller.web;

/**
 * A request the API refuses, with the HTTP status, a message for a human and the field at fault
 * (e.g. {@code events[3].ip}), rendered as {@code {"error":"...","field":"..."}}.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String field;

    public ApiException(int status, String message, String field) {
        super(message, null, false, false);
        this.status = status;
        this.field = field;
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
}
