package io.fleetban.agent.enforce;

/** A firewall tool failed or could not be run; the message names the command and its output. */
public final class FirewallException extends Exception {

    public FirewallException(String message) {
        super(message);
    }

    public FirewallException(String message, Throwable cause) {
        super(message, cause);
    }
}
