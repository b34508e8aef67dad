package io.fleetban.controller.web;

/** Query parameters read by hand, so a bad one is a 400 naming it (JAX-RS would answer 404). */
public final class Params {

    private Params() {
    }

    public static long integer(String value, String field, long min, long max, long fallback) {
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            long v = Long.parseLong(value);
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ApiException.badRequest(field, field + " must be an integer from " + min + " to " + max);
    }

    /**
     * A path segment that may hold a CIDR: the HTTP layer keeps an encoded slash ({@code %2F})
     * encoded so it can't split the path, so it is decoded here.
     */
    public static String slashDecoded(String segment) {
        return segment.replace("%2F", "/").replace("%2f", "/");
    }
}
