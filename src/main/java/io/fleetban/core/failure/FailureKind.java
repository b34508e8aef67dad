package io.fleetban.core.failure;

import java.util.Arrays;
import java.util.stream.Collectors;

/** What a filter saw an address do. The wire names are what reports, jails and the API use. */
public enum FailureKind {
    /** "SIP auth failure": a wrong password. */
    AUTH_FAILURE("auth-failure"),
    /** "Can't find user": a REGISTER or INVITE for an account that does not exist. */
    UNKNOWN_USER("unknown-user"),
    /** "SIP auth challenge": every REGISTER gets one, so only a flood of them means an attack. */
    AUTH_CHALLENGE("auth-challenge");

    private static final FailureKind[] VALUES = values();

    private final String wireName;

    FailureKind(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static FailureKind fromWireName(String name) {
        for (FailureKind k : VALUES) {
            if (k.wireName.equals(name)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown kind '" + name + "'; known kinds: " + knownNames());
    }

    public static String knownNames() {
        return Arrays.stream(VALUES).map(FailureKind::wireName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return wireName;
    }
}
