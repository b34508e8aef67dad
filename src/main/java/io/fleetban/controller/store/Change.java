package io.fleetban.controller.store;

/**
 * What another transaction (on any replica) changed, announced with {@code NOTIFY fleetban}.
 * Each replica LISTENs and refreshes the matching in-memory view.
 */
public enum Change {
    /** New ban events: wake long-polls. */
    EVENTS,
    TOKENS,
    JAILS,
    ALLOWLIST,
    /** The ban-storm breaker tripped or was confirmed. */
    BREAKER,
    /** The LISTEN connection was (re)established: anything may have changed meanwhile. */
    ALL;

    public static final String CHANNEL = "fleetban";

    public String payload() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public boolean affects(Change view) {
        return this == ALL || this == view;
    }
}
