package io.fleetban.bench;

import io.fleetban.core.filter.AsteriskFilter;
import io.fleetban.core.filter.Failure;
import io.fleetban.core.filter.FreeswitchFilter;
import io.fleetban.core.filter.LineFilter;
import io.fleetban.core.filter.fail2ban.Fail2banFilterLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * ns per line of a filter's {@code match}, for lines that are failures and lines that are not.
 * {@code filter}: the built-in {@code freeswitch} filter, or Debian's {@code freeswitch.conf}
 * loaded by our fail2ban loader ({@code f2b-freeswitch.conf}, when fail2ban is installed).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FilterBench {

    /** The lines, by name: each benchmark method matches one of them. */
    static final Map<String, String> LINES = Map.of(
            "plain", "2022-01-11 11:52:21.912339 [WARNING] sofia_reg.c:1664 SIP auth failure (REGISTER) on "
                    + "sofia profile 'internal' for [1000@pbx.example.net] from ip 203.0.113.9",
            "failure", "2022-01-11 11:52:21.912339 95.73% [WARNING] sofia_reg.c:1664 SIP auth failure (REGISTER) on "
                    + "sofia profile 'internal' for [1000@pbx.example.net] from ip 203.0.113.9",
            "challengeUuid", "d1d5c1a8-7c8f-4c0e-9e7b-4a1f0b2f4d11 2022-01-11 11:52:21.912339 [WARNING] sofia_reg.c:1664 "
                    + "SIP auth challenge (REGISTER) on sofia profile 'internal' for [1000@pbx.example.net] from ip 2001:db8::17",
            "debug", "2022-01-11 11:52:21.912339 97.10% [DEBUG] sofia.c:7098 Channel sofia/internal/1001@pbx.example.net "
                    + "entering state [received][100]",
            "lookalike", "2022-01-11 11:52:21.912339 [WARNING] switch_rtp.c:7600 RTP Packet timed out from 203.0.113.77:16384");

    @Param({"freeswitch", "f2b-freeswitch.conf"})
    public String filter;

    private LineFilter f;
    private byte[] plain;
    private byte[] failure;
    private byte[] challengeUuid;
    private byte[] debug;
    private byte[] lookalike;

    @Setup
    public void setup() throws Exception {
        f = switch (filter) {
            case "freeswitch" -> new FreeswitchFilter();
            case "asterisk" -> new AsteriskFilter();
            default -> Fail2banFilterLoader.load(Path.of("/etc/fail2ban/filter.d", filter.substring("f2b-".length())),
                    Map.of());
        };
        plain = bytes("plain");
        failure = bytes("failure");
        challengeUuid = bytes("challengeUuid");
        debug = bytes("debug");
        lookalike = bytes("lookalike");
        if (f.match(plain, 0, plain.length) == null || f.match(debug, 0, debug.length) != null) {
            throw new IllegalStateException(filter + " does not match the benchmark lines as expected");
        }
    }

    private static byte[] bytes(String name) {
        return LINES.get(name).getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public Failure matchingPlain() {
        return f.match(plain, 0, plain.length);
    }

    /** fail2ban's stock freeswitch.conf misses this style, so for it this is a non-matching line. */
    @Benchmark
    public Failure matchingCpuPercent() {
        return f.match(failure, 0, failure.length);
    }

    @Benchmark
    public Failure matchingUuidIpv6() {
        return f.match(challengeUuid, 0, challengeUuid.length);
    }

    @Benchmark
    public Failure nonMatchingDebug() {
        return f.match(debug, 0, debug.length);
    }

    @Benchmark
    public Failure nonMatchingWarning() {
        return f.match(lookalike, 0, lookalike.length);
    }
}
