package io.fleetban.core.filter;

import io.fleetban.core.filter.fail2ban.Fail2banFilterLoader;
import java.io.IOException;

/** Resolves what {@code --filter} names: a built-in filter, or a fail2ban filter.d file. */
public final class LineFilters {

    public static final String DEFAULT = FreeswitchFilter.NAME;

    private LineFilters() {
    }

    /**
     * {@code freeswitch}, {@code asterisk}, or the path of a fail2ban {@code filter.d/*.conf} file,
     * optionally followed by fail2ban's filter options ({@code freeswitch.conf[mode=ddos]}).
     *
     * @throws IOException              when the file cannot be read
     * @throws IllegalArgumentException when the name is neither, or the file is not a filter we can run
     */
    public static LineFilter resolve(String spec) throws IOException {
        return switch (spec) {
            case FreeswitchFilter.NAME -> new FreeswitchFilter();
            case AsteriskFilter.NAME -> new AsteriskFilter();
            default -> {
                if (!spec.contains("/") && !spec.contains(".conf") && !spec.contains(".local")) {
                    throw new IllegalArgumentException("unknown filter '" + spec + "': give " + FreeswitchFilter.NAME
                            + ", " + AsteriskFilter.NAME + " or the path of a fail2ban filter.d/*.conf file");
                }
                yield Fail2banFilterLoader.load(spec);
            }
        };
    }
}
