package io.fleetban.controller.notify;

import java.time.Duration;

/** A message that did not arrive: worth another try (the receiver is down or busy) or not (it refused). */
final class DeliveryException extends Exception {

    private final boolean retryable;
    private final Duration retryAfter;

    DeliveryException(String message, boolean retryable, Duration retryAfter) {
        super(message, null, false, false);
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    boolean retryable() {
        return retryable;
    }

    /** What the receiver asked us to wait (Retry-After), or null. */
    Duration retryAfter() {
        return retryAfter;
    }
}
