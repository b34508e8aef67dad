package io.fleetban.core.filter;

/**
 * Turns one log line into a {@link Failure}, or nothing. Lines arrive as bytes straight from the
 * file (UTF-8 or Latin-1 as FreeSWITCH wrote them, without the line terminator, "\n" or "\r\n":
 * the readers strip it) so the common case, a line that is no failure at all, costs a byte scan
 * and no allocation.
 */
public interface LineFilter {

    /** The failure in {@code line[from, to)}, or null when the line is not one. */
    Failure match(byte[] line, int from, int to);

    /** The filter's name as given to {@code --filter}. */
    String name();
}
