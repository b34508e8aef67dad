package io.fleetban.controller.auth;

/** What a token may do: admins run the fleet, agents report and follow bans. */
public enum Role {
    ADMIN, AGENT;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Role fromWireName(String s) {
        return valueOf(s.toUpperCase(java.util.Locale.ROOT));
    }
}
