package io.fleetban.agent.collect;

import io.fleetban.core.filter.LineFilter;
import java.io.IOException;

/** Turns {@code --filter}'s value (freeswitch, asterisk or a filter.d file) into a filter. */
@FunctionalInterface
public interface FilterResolver {

    /**
     * @throws IOException              when a filter file can't be read
     * @throws IllegalArgumentException when the value names no filter we can run
     */
    LineFilter resolve(String spec) throws IOException;
}
