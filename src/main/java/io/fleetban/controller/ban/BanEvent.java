package io.fleetban.controller.ban;

import io.fleetban.core.net.Cidr;
import java.time.Instant;

/** One entry of the ordered ban-event log that agents follow by cursor. */
public record BanEvent(long id, Type type, Cidr ip, String jail, long banId, Instant expiresAt, String reason) {

    public enum Type { BAN, UNBAN }

    public boolean isBan() {
        return type == Type.BAN;
    }
}
