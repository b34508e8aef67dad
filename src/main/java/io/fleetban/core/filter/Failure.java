package io.fleetban.core.filter;

import io.fleetban.core.failure.FailureKind;
import io.fleetban.core.net.IpAddress;

/** What a filter found in one log line: the source address and what it did. */
public record Failure(IpAddress ip, FailureKind kind) {
}
