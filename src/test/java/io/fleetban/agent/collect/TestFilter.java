package io.fleetban.agent.collect;

import io.fleetban.core.failure.FailureKind;
import io.fleetban.core.filter.Failure;
import io.fleetban.core.filter.LineFilter;
import io.fleetban.core.net.IpAddress;
import java.nio.charset.StandardCharsets;

/**
 * A trivial filter for the collect tests: {@code ... FAIL <ip> <kind>} is a failure, anything
 * else is not. (The real FreeSWITCH filter is tested with the filters.)
 */
public final class TestFilter implements LineFilter {

    @Override
    public Failure match(byte[] line, int from, int to) {
        String s = new String(line, from, to - from, StandardCharsets.UTF_8);
        int at = s.indexOf("FAIL ");
        if (at < 0) {
            return null;
        }
        String[] w = s.substring(at + 5).split(" ");
        if (w.length < 2) {
            return null;
        }
        return new Failure(IpAddress.parse(w[0]), FailureKind.fromWireName(w[1]));
    }

    @Override
    public String name() {
        return "test";
    }
}
