package io.fleetban.agent.collect;

import io.fleetban.core.failure.FailureKind;
import io.fleetban.core.net.IpAddress;

/** The failures of one (ip, kind) in one report: how many, when read first and last, one line as a sample. */
final class Event {

    final IpAddress ip;
    final FailureKind kind;
    final String sample;
    final long firstMillis;
    long lastMillis;
    int count;

    Event(IpAddress ip, FailureKind kind, String sample, long readAtMillis) {
        this.ip = ip;
        this.kind = kind;
        this.sample = sample;
        this.firstMillis = readAtMillis;
        this.lastMillis = readAtMillis;
        this.count = 1;
    }
}
