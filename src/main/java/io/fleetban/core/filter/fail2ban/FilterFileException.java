package io.fleetban.core.filter.fail2ban;

import java.nio.file.Path;

/** A fail2ban filter file we cannot read or run; the message names the file, line and construct. */
public final class FilterFileException extends IllegalArgumentException {

    public FilterFileException(Path file, int line, String message) {
        super(file + (line > 0 ? ":" + line : "") + ": " + message);
    }

    public FilterFileException(Origin origin, String message) {
        this(origin.file(), origin.line(), message);
    }

    /** Where a value was written. */
    public record Origin(Path file, int line) {
    }
}
