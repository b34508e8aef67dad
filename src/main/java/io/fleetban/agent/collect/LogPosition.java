package io.fleetban.agent.collect;

/** A place in a log: everything before byte {@code offset} of {@code file} has been read. */
public record LogPosition(LogFile file, long offset) {
}
