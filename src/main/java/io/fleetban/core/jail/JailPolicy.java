package io.fleetban.core.jail;

import io.fleetban.core.failure.FailureKind;
import java.time.Duration;
import java.util.Set;

/**
 * A jail's rules, in fail2ban's terms: {@code maxretry} failures of the {@code kinds} it counts
 * within {@code findtime} ban for {@code bantime}; with {@code bantime.increment} a repeat
 * offender's n-th ban lasts {@code bantime * factor * 2^n}, at most {@code maxtime}.
 */
public record JailPolicy(
        String name,
        Set<FailureKind> kinds,
        int maxretry,
        Duration findtime,
        Duration bantime,
        boolean increment,
        double incrementFactor,
        Duration incrementMax,
        boolean enabled) {

    /** fail2ban caps the exponent at 20 so the formula can't overflow. */
    private static final int MAX_DOUBLINGS = 20;

    public JailPolicy {
        kinds = Set.copyOf(kinds);
        check(name != null && name.matches("[a-z0-9][a-z0-9._-]{0,62}"), "name",
                "a jail name is 1-63 characters of a-z, 0-9, '.', '_', '-', starting with a letter or digit");
        check(!kinds.isEmpty(), "kinds", "a jail counts at least one kind (" + FailureKind.knownNames() + ")");
        check(maxretry >= 1 && maxretry <= 1_000_000, "maxretry", "maxretry must be between 1 and 1000000");
        check(positive(findtime) && findtime.getSeconds() <= 31 * 86_400L, "findtime",
                "findtime must be between 1 s and 31 days");
        check(positive(bantime) && bantime.getSeconds() <= 3650 * 86_400L, "bantime",
                "bantime must be between 1 s and 10 years");
        check(incrementFactor > 0 && incrementFactor <= 1000, "bantime.factor",
                "bantime.factor must be above 0 and at most 1000");
        check(positive(incrementMax) && incrementMax.compareTo(bantime) >= 0
                && incrementMax.getSeconds() <= 3650 * 86_400L, "bantime.maxtime",
                "bantime.maxtime must be at least bantime and at most 10 years");
    }

    /** How long the next ban lasts when this ip was banned {@code previousBans} times recently. */
    public Duration banDuration(int previousBans) {
        if (!increment || previousBans <= 0) {
            return bantime;
        }
        double seconds = bantime.getSeconds() * incrementFactor * Math.pow(2, Math.min(previousBans, MAX_DOUBLINGS));
        long capped = (long) Math.min(seconds, (double) incrementMax.getSeconds());
        return Duration.ofSeconds(Math.max(capped, bantime.getSeconds()));
    }

    public boolean counts(FailureKind kind) {
        return kinds.contains(kind);
    }

    private static boolean positive(Duration d) {
        return d != null && d.getSeconds() >= 1;
    }

    private static void check(boolean ok, String field, String message) {
        if (!ok) {
            throw new InvalidPolicyException(field, message);
        }
    }

    /** A policy that breaks a rule; {@link #field()} names the setting in fail2ban's words. */
    public static final class InvalidPolicyException extends IllegalArgumentException {
        private final String field;

        public InvalidPolicyException(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }
}
