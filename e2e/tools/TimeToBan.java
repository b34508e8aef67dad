import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Time to ban as the attacker sees it. For each run, from a source address not used before: probe
 * every target with a UDP datagram every {@code --interval-ms} (the targets echo them), append the
 * {@code --pre} failure lines, wait {@code --settle-ms}, then append the {@code --final} line, the
 * one that crosses the jail's maxretry, and measure from that {@code write()} to the send time of
 * the first probe a target never answers (the probe after the last answered one). Resolution is
 * the probe interval; a reply later than {@code --grace-ms} counts as none.
 *
 * <pre>
 * usage: java -cp target/e2e-tools TimeToBan --sources FIRST_ADDR --runs N --target NAME=HOST:PORT ...
 *          --pre LOG=COUNT=TEMPLATE ... --final LOG=TEMPLATE
 *          [--interval-ms 2] [--settle-ms 1000] [--jitter-ms 0] [--timeout-ms 5000] [--grace-ms 500] [--values DIR]
 * </pre>
 * {@code --jitter-ms} adds a random 0..N ms to each settle, so runs do not keep one phase against
 * a target that polls at a fixed period (the CrowdSec bouncer's update_frequency).
 * A TEMPLATE is a log line; {@code {ip}} becomes the run's source address, {@code {ts}} the time
 * as FreeSWITCH writes it. Sources are FIRST_ADDR, FIRST_ADDR+1, ... (IPv4). Prints a line per run
 * and a summary per target ({@code summary NAME n= failed= min= p50= p95= p99= max=} in ms); with
 * {@code --values DIR} also writes each target's milliseconds to {@code DIR/NAME.txt}, and a line per
 * run to {@code DIR/runs.tsv}: source, the wall-clock time of the write (epoch microseconds) and
 * each target's milliseconds (empty if not dropped), for lining up with the controller's own
 * timestamps. Exit code 1 if any run did not see a target drop the source (three such runs in a
 * row end the measurement).
 */
public final class TimeToBan {

    private static final DateTimeFormatter FS_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

    record Target(String name, InetSocketAddress address) {
    }

    record Lines(Path log, int count, String template) {
    }

    private final List<Target> targets = new ArrayList<>();
    private final List<Lines> pre = new ArrayList<>();
    private Lines last;
    private InetAddress firstSource;
    private int runs = 1;
    private long intervalNanos = 2_000_000;
    private long settleMillis = 1000;
    private long timeoutMillis = 5000;
    private long graceMillis = 500;
    private long jitterMillis;
    private Path valuesDir;
    /** The wall-clock time of the last run's final write. */
    private Instant wallT0;

    public static void main(String[] args) throws Exception {
        TimeToBan t;
        try {
            t = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("TimeToBan: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(t.measure() ? 0 : 1);
    }

    static TimeToBan parse(String[] args) throws IOException {
        TimeToBan t = new TimeToBan();
        for (int i = 0; i < args.length; i++) {
            String opt = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(opt + " needs a value");
            }
            String v = args[++i];
            switch (opt) {
                case "--sources" -> t.firstSource = InetAddress.getByName(v);
                case "--runs" -> t.runs = Integer.parseInt(v);
                case "--target" -> {
                    String[] nv = v.split("=", 2);
                    int colon = nv.length == 2 ? nv[1].lastIndexOf(':') : -1;
                    if (colon < 0) {
                        throw new IllegalArgumentException("--target " + v + ": not NAME=HOST:PORT");
                    }
                    String host = nv[1].substring(0, colon).replace("[", "").replace("]", "");
                    t.targets.add(new Target(nv[0], new InetSocketAddress(InetAddress.getByName(host),
                            Integer.parseInt(nv[1].substring(colon + 1)))));
                }
                case "--pre" -> {
                    String[] p = v.split("=", 3);
                    if (p.length != 3) {
                        throw new IllegalArgumentException("--pre " + v + ": not LOG=COUNT=TEMPLATE");
                    }
                    t.pre.add(new Lines(Path.of(p[0]), Integer.parseInt(p[1]), p[2]));
                }
                case "--final" -> {
                    String[] p = v.split("=", 2);
                    if (p.length != 2) {
                        throw new IllegalArgumentException("--final " + v + ": not LOG=TEMPLATE");
                    }
                    t.last = new Lines(Path.of(p[0]), 1, p[1]);
                }
                case "--interval-ms" -> t.intervalNanos = (long) (Double.parseDouble(v) * 1_000_000);
                case "--settle-ms" -> t.settleMillis = Long.parseLong(v);
                case "--timeout-ms" -> t.timeoutMillis = Long.parseLong(v);
                case "--grace-ms" -> t.graceMillis = Long.parseLong(v);
                case "--jitter-ms" -> t.jitterMillis = Long.parseLong(v);
                case "--values" -> t.valuesDir = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + opt);
            }
        }
        if (t.firstSource == null || t.targets.isEmpty() || t.last == null) {
            throw new IllegalArgumentException("--sources, --target and --final are required");
        }
        return t;
    }

    boolean measure() throws IOException {
        Map<String, List<Double>> results = new LinkedHashMap<>();
        Map<String, Integer> failed = new LinkedHashMap<>();
        for (Target t : targets) {
            results.put(t.name(), new ArrayList<>());
            failed.put(t.name(), 0);
        }
        byte[] first = firstSource.getAddress();
        List<String> tsv = new ArrayList<>();
        int failedInARow = 0;
        for (int run = 0; run < runs && failedInARow < 3; run++) {
            InetAddress source = InetAddress.getByAddress(add(first, run));
            Map<String, Double> r = run(source);
            StringBuilder row = new StringBuilder(source.getHostAddress()).append('\t')
                    .append(wallT0.getEpochSecond() * 1_000_000 + wallT0.getNano() / 1000);
            for (Target t : targets) {
                Double ms = r.get(t.name());
                row.append('\t').append(ms == null ? "" : String.format(Locale.ROOT, "%.1f", ms));
            }
            tsv.add(row.toString());
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "run %d/%d %s:", run + 1, runs,
                    source.getHostAddress()));
            for (Target t : targets) {
                Double ms = r.get(t.name());
                if (ms == null) {
                    failed.merge(t.name(), 1, Integer::sum);
                    line.append(' ').append(t.name()).append(" NOT DROPPED");
                } else {
                    results.get(t.name()).add(ms);
                    line.append(String.format(Locale.ROOT, " %s %.1f ms", t.name(), ms));
                }
            }
            System.out.println(line);
            failedInARow = r.size() < targets.size() ? failedInARow + 1 : 0;
            if (failedInARow == 3) {
                System.out.println("three runs in a row without a drop: stopping");
            }
        }
        if (valuesDir != null) {
            Files.createDirectories(valuesDir);
            Files.write(valuesDir.resolve("runs.tsv"), tsv);
        }
        boolean ok = true;
        for (Target t : targets) {
            double[] v = results.get(t.name()).stream().mapToDouble(Double::doubleValue).sorted().toArray();
            int f = failed.get(t.name());
            ok &= f == 0;
            if (v.length == 0) {
                System.out.printf(Locale.ROOT, "summary %s n=0 failed=%d%n", t.name(), f);
                continue;
            }
            System.out.printf(Locale.ROOT, "summary %s n=%d failed=%d min=%.1f p50=%.1f p95=%.1f p99=%.1f max=%.1f%n",
                    t.name(), v.length, f, v[0], rank(v, 50), rank(v, 95), rank(v, 99), v[v.length - 1]);
            if (valuesDir != null) {
                try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(valuesDir.resolve(t.name() + ".txt")))) {
                    Arrays.stream(v).forEach(x -> w.printf(Locale.ROOT, "%.1f%n", x));
                }
            }
        }
        return ok;
    }

    /** One run from {@code source}: milliseconds per target, absent where the target never dropped it. */
    private Map<String, Double> run(InetAddress source) throws IOException {
        List<Probe> probes = new ArrayList<>();
        try {
            for (Target t : targets) {
                probes.add(new Probe(t, source));
            }
            long deadline = System.nanoTime() + 3_000_000_000L;
            while (!probes.stream().allMatch(p -> p.answered >= 10)) {
                if (System.nanoTime() > deadline) {
                    Probe p = probes.stream().filter(x -> x.answered < 10).findFirst().orElseThrow();
                    throw new IOException(p.target.name() + " (" + p.target.address() + ") does not answer "
                            + source.getHostAddress() + " before the ban");
                }
                tick(probes);
            }
            for (Lines l : pre) {
                append(l, source);
            }
            long settle = settleMillis + (jitterMillis > 0 ? ThreadLocalRandom.current().nextLong(jitterMillis + 1) : 0);
            long settleEnd = System.nanoTime() + settle * 1_000_000;
            while (System.nanoTime() < settleEnd) {
                tick(probes);
            }
            FileChannel log = FileChannel.open(last.log(), StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            ByteBuffer line = ByteBuffer.wrap(render(last, source));
            long t0;
            try (log) {
                wallT0 = Instant.now();
                t0 = System.nanoTime();
                log.write(line);
            }
            long end = t0 + timeoutMillis * 1_000_000;
            while (System.nanoTime() < end && !probes.stream().allMatch(p -> p.droppedSince(graceMillis) != 0)) {
                tick(probes);
            }
            Map<String, Double> out = new LinkedHashMap<>();
            for (Probe p : probes) {
                long dropped = p.droppedSince(graceMillis);
                if (dropped != 0) {
                    if (dropped < t0) {
                        throw new IOException(p.target.name() + " dropped " + source.getHostAddress()
                                + " before the last failure line was written");
                    }
                    out.put(p.target.name(), (dropped - t0) / 1e6);
                }
            }
            return out;
        } finally {
            for (Probe p : probes) {
                p.close();
            }
        }
    }

    /** Sends one probe to every target, reads what came back, and sleeps until the next interval. */
    private void tick(List<Probe> probes) throws IOException {
        long next = System.nanoTime() + intervalNanos;
        for (Probe p : probes) {
            p.send();
        }
        long now;
        while ((now = System.nanoTime()) < next) {
            for (Probe p : probes) {
                p.drain();
            }
            LockSupport.parkNanos(Math.min(200_000, next - now));
        }
    }

    private static void append(Lines l, InetAddress source) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < l.count(); i++) {
            sb.append(new String(render(l, source), StandardCharsets.UTF_8));
        }
        Files.write(l.log(), sb.toString().getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
    }

    private static byte[] render(Lines l, InetAddress source) {
        return (l.template().replace("{ip}", source.getHostAddress())
                .replace("{ts}", LocalDateTime.now().format(FS_TIME)) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static double rank(double[] sorted, int percentile) {
        int i = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static byte[] add(byte[] address, int n) {
        byte[] a = address.clone();
        long v = 0;
        for (byte b : a) {
            v = v << 8 | (b & 0xff);
        }
        v += n;
        for (int i = a.length - 1; i >= 0; i--) {
            a[i] = (byte) v;
            v >>>= 8;
        }
        return a;
    }

    /** UDP probes from one source to one target, numbered, with their send times. */
    private static final class Probe implements AutoCloseable {
        final Target target;
        private final DatagramChannel channel;
        private final ByteBuffer out = ByteBuffer.allocate(8);
        private final ByteBuffer in = ByteBuffer.allocate(64);
        private long[] sentAt = new long[4096];
        private int sent;
        private int lastAnswered = -1;
        int answered;

        Probe(Target target, InetAddress source) throws IOException {
            this.target = target;
            channel = DatagramChannel.open();
            channel.bind(new InetSocketAddress(source, 0));
            channel.connect(target.address());
            channel.configureBlocking(false);
        }

        void send() throws IOException {
            if (sent == sentAt.length) {
                sentAt = Arrays.copyOf(sentAt, sent * 2);
            }
            out.clear();
            out.putLong(sent).flip();
            sentAt[sent] = System.nanoTime();
            try {
                channel.write(out);
            } catch (IOException e) {
                // e.g. ICMP unreachable reported on a connected socket: a lost probe like any other
            }
            sent++;
        }

        void drain() {
            while (true) {
                in.clear();
                try {
                    if (channel.read(in) <= 0) {
                        return;
                    }
                } catch (IOException e) {
                    return;
                }
                in.flip();
                if (in.remaining() >= 8) {
                    int seq = (int) in.getLong();
                    if (seq >= 0 && seq < sent) {
                        lastAnswered = Math.max(lastAnswered, seq);
                        answered++;
                    }
                }
            }
        }

        /**
         * The send time of the first probe never answered (the one after the last answered), once
         * it and every later probe have gone unanswered for {@code graceMillis}; 0 until then.
         */
        long droppedSince(long graceMillis) {
            int first = lastAnswered + 1;
            if (first >= sent || System.nanoTime() - sentAt[first] < graceMillis * 1_000_000) {
                return 0;
            }
            return sentAt[first];
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
