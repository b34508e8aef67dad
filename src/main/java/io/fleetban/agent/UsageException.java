package io.fleetban.agent;

/** A command line that can't be run; the message says which option or value was wrong. */
public final class UsageException extends RuntimeException {

    public UsageException(String message) {
        super(message);
    }
}
