package io.fleetban.agent.regex;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.fleetban.agent.Options;
import io.fleetban.agent.UsageException;
import io.fleetban.core.failure.FailureKind;
import io.fleetban.core.filter.Failure;
import io.fleetban.core.filter.LineFilter;
import io.fleetban.core.filter.LineFilters;
import io.fleetban.core.net.IpAddress;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code regex FILE [--filter freeswitch|asterisk|PATH.conf] [--json]}: runs a filter over a log,
 * like fail2ban-regex, and prints what it matched per address and kind.
 */
public final class RegexCommand {

    private static final int TOP = 10;
    private static final FailureKind[] KINDS = FailureKind.values();

    private RegexCommand() {
    }

    public static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
        Options o = Options.parse(args, Set.of("filter"), Set.of("json"));
        if (o.positional().size() != 1) {
            throw new UsageException("give exactly one log FILE (or - for standard input)");
        }
        String file = o.positional().get(0);
        LineFilter filter;
        try {
            filter = LineFilters.resolve(o.get("filter", LineFilters.DEFAULT));
        } catch (IOException | IllegalArgumentException e) {
            err.println("fleetban-agent regex: --filter: " + e.getMessage());
            return 1;
        }
        Tally tally = new Tally(filter);
        long started = System.nanoTime();
        try (InputStream in = file.equals("-") ? stdin : Files.newInputStream(Path.of(file))) {
            LineScanner.scan(in, tally);
        } catch (NoSuchFileException e) {
            err.println("fleetban-agent regex: cannot read " + file + ": no such file");
            return 1;
        } catch (AccessDeniedException e) {
            err.println("fleetban-agent regex: cannot read " + file + ": permission denied");
            return 1;
        } catch (IOException e) {
            err.println("fleetban-agent regex: cannot read " + file + ": " + e.getMessage());
            return 1;
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        if (o.flag("json")) {
            printJson(tally, out);
        } else {
            printSummary(tally, filter, file, seconds, out);
        }
        return 0;
    }

    /** Counts lines and failures per address and kind. */
    private static final class Tally implements LineScanner.Sink {
        final LineFilter filter;
        final Map<IpAddress, long[]> perIp = new HashMap<>();
        final long[] perKind = new long[KINDS.length];
        long lines;
        long matched;
        long tooLong;

        Tally(LineFilter filter) {
            this.filter = filter;
        }

        @Override
        public void line(byte[] b, int from, int to) {
            lines++;
            Failure f = filter.match(b, from, to);
            if (f != null) {
                matched++;
                perKind[f.kind().ordinal()]++;
                perIp.computeIfAbsent(f.ip(), ip -> new long[KINDS.length])[f.kind().ordinal()]++;
            }
        }

        @Override
        public void tooLong() {
            lines++;
            tooLong++;
        }
    }

    private static void printJson(Tally t, PrintStream out) {
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
            g.writeStartObject();
            g.writeNumberField("lines", t.lines);
            g.writeNumberField("matched", t.matched);
            g.writeObjectFieldStart("ips");
            for (IpAddress ip : t.perIp.keySet().stream().sorted().toList()) {
                g.writeObjectFieldStart(ip.toString());
                long[] counts = t.perIp.get(ip);
                for (FailureKind k : KINDS) {
                    if (counts[k.ordinal()] > 0) {
                        g.writeNumberField(k.wireName(), counts[k.ordinal()]);
                    }
                }
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("writing to standard output failed", e);
        }
        out.println();
        out.flush();
    }

    private static void printSummary(Tally t, LineFilter filter, String file, double seconds, PrintStream out) {
        out.println("Filter:    " + filter.name());
        out.println("Log file:  " + (file.equals("-") ? "standard input" : file));
        out.println();
        out.printf("Failregex: %d total%n", t.matched);
        for (FailureKind k : KINDS) {
            out.printf("|  %-15s %d%n", k.wireName(), t.perKind[k.ordinal()]);
        }
        out.println("`-");
        out.println();
        out.printf("Lines: %d lines, %d matched, %d missed%s%n", t.lines, t.matched, t.lines - t.matched,
                t.tooLong > 0 ? " (" + t.tooLong + " longer than " + LineScanner.MAX_LINE + " bytes, skipped)" : "");
        out.printf("[processed in %.2f s]%n", seconds);
        out.println();
        List<Map.Entry<IpAddress, long[]>> top = new ArrayList<>(t.perIp.entrySet());
        top.sort(Comparator.comparingLong((Map.Entry<IpAddress, long[]> e) -> -sum(e.getValue()))
                .thenComparing(Map.Entry::getKey));
        out.printf("Addresses: %d%s%n", top.size(), top.size() > TOP ? " (top " + TOP + ")" : "");
        for (Map.Entry<IpAddress, long[]> e : top.subList(0, Math.min(TOP, top.size()))) {
            StringBuilder kinds = new StringBuilder();
            for (FailureKind k : KINDS) {
                long c = e.getValue()[k.ordinal()];
                if (c > 0) {
                    kinds.append(kinds.length() == 0 ? "" : ", ").append(k.wireName()).append(' ').append(c);
                }
            }
            out.printf("|  %-39s %8d  %s%n", e.getKey(), sum(e.getValue()), kinds);
        }
        out.println("`-");
        out.flush();
    }

    private static long sum(long[] counts) {
        long s = 0;
        for (long c : counts) {
            s += c;
        }
        return s;
    }
}
