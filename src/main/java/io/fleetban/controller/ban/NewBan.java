package io.fleetban.controller.ban;

import io.fleetban.core.jail.JailPolicy;
import io.fleetban.core.net.Cidr;
import java.time.Duration;

/**
 * A ban about to be written. Automatic bans take their length from the jail's policy (which
 * grows it for repeat offenders); manual bans carry the operator's duration and replace an
 * active ban of the same ip.
 */
public record NewBan(
        Cidr ip,
        String jail,
        Origin origin,
        String reason,
        int failures,
        String evidenceJson,
        JailPolicy policy,
        Duration manualDuration,
        String createdBy) {

    public enum Origin {
        AUTO, MANUAL;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static NewBan auto(Cidr ip, JailPolicy policy, int failures, String reason, String evidenceJson) {
        return new NewBan(ip, policy.name(), Origin.AUTO, reason, failures, evidenceJson, policy, null, null);
    }

    public static NewBan manual(Cidr ip, Duration duration, String reason, String createdBy) {
        return new NewBan(ip, MANUAL_JAIL, Origin.MANUAL, reason, 0, "{}", null, duration, createdBy);
    }

    /** Manual bans are listed under this jail name. */
    public static final String MANUAL_JAIL = "manual";

    public boolean replacesActive() {
        return origin == Origin.MANUAL;
    }
}
