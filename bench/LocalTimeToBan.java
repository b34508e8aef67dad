import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Time-to-ban on the node that logged: per run, MAXRETRY "SIP auth failure" lines of a fresh
 * address are appended to each side's log in one write(), and the clock stops when that address
 * is added to an nftables set in the side's network namespace (seen by {@code nft monitor}, so no
 * polling delay is added). The sides take turns run by run: the same lines, under the same load.
 *
 *   java bench/LocalTimeToBan.java --runs 20 --warmup 2 --maxretry 10 --first 198.51.100.1 \
 *        --side fleetban=NETNS:LOG --side fail2ban=NETNS:LOG [--timeout-ms 15000]
 *
 * Prints one line per run and "summary NAME n=.. failed=.. min=.. p50=.. p95=.. max=.." (ms) per
 * side. The line is FreeSWITCH's plain style, which Debian's filter.d/freeswitch.conf also
 * matches; its timestamp is the current local time, as fail2ban ignores lines older than findtime.
 */
public class LocalTimeToBan {

    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");
    private static final Pattern IPV4 = Pattern.compile("\\b(\\d{1,3}(?:\\.\\d{1,3}){3})\\b");

    record Side(String name, String netns, String log, Map<String, Long> seen, Process monitor) {
    }

    public static void main(String[] args) throws Exception {
        int runs = 20;
        int warmup = 2;
        int maxretry = 10;
        long timeoutMs = 15_000;
        int[] first = {198, 51, 100, 1};
        Map<String, String> sideSpecs = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--maxretry" -> maxretry = Integer.parseInt(args[++i]);
                case "--timeout-ms" -> timeoutMs = Long.parseLong(args[++i]);
                case "--first" -> first = Arrays.stream(args[++i].split("\\.")).mapToInt(Integer::parseInt).toArray();
                case "--side" -> {
                    String[] kv = args[++i].split("=", 2);
                    sideSpecs.put(kv[0], kv[1]);
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        List<Side> sides = new ArrayList<>();
        for (var e : sideSpecs.entrySet()) {
            String[] nsLog = e.getValue().split(":", 2);
            sides.add(watch(e.getKey(), nsLog[0], nsLog[1]));
        }
        Thread.sleep(500); // nft monitor subscribes before the first line is written

        Map<String, List<Double>> times = new LinkedHashMap<>();
        Map<String, Integer> failed = new LinkedHashMap<>();
        sides.forEach(s -> {
            times.put(s.name(), new ArrayList<>());
            failed.put(s.name(), 0);
        });
        int base = (first[0] << 24) | (first[1] << 16) | (first[2] << 8) | first[3];
        for (int run = 0; run < warmup + runs; run++) {
            int n = base + run;
            String ip = (n >>> 24) + "." + ((n >>> 16) & 255) + "." + ((n >>> 8) & 255) + "." + (n & 255);
            for (Side s : sides) {
                String now = LocalDateTime.now().format(TS);
                StringBuilder lines = new StringBuilder();
                for (int k = 0; k < maxretry; k++) {
                    lines.append(now).append(" [WARNING] sofia_reg.c:3211 SIP auth failure (REGISTER) on sofia profile "
                            + "'internal' for [1000@pbx.example.net] from ip ").append(ip).append('\n');
                }
                byte[] bytes = lines.toString().getBytes(StandardCharsets.UTF_8);
                long t0;
                try (FileOutputStream out = new FileOutputStream(s.log(), true)) {
                    t0 = System.nanoTime();
                    out.write(bytes);
                }
                long deadline = t0 + timeoutMs * 1_000_000;
                Long t1;
                while ((t1 = s.seen().get(ip)) == null && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                String label = run < warmup ? "warm-up" : "run " + (run - warmup + 1);
                if (t1 == null) {
                    System.out.printf(Locale.ROOT, "%s %s %s: no ban within %d ms%n", label, s.name(), ip, timeoutMs);
                    if (run >= warmup) {
                        failed.merge(s.name(), 1, Integer::sum);
                    }
                } else {
                    double ms = (t1 - t0) / 1e6;
                    System.out.printf(Locale.ROOT, "%s %s %s: %.1f ms%n", label, s.name(), ip, ms);
                    if (run >= warmup) {
                        times.get(s.name()).add(ms);
                    }
                }
            }
        }
        for (Side s : sides) {
            s.monitor().destroy();
            double[] v = times.get(s.name()).stream().mapToDouble(Double::doubleValue).sorted().toArray();
            if (v.length == 0) {
                System.out.printf(Locale.ROOT, "summary %s n=0 failed=%d%n", s.name(), failed.get(s.name()));
            } else {
                System.out.printf(Locale.ROOT, "summary %s n=%d failed=%d min=%.1f p50=%.1f p95=%.1f max=%.1f%n", s.name(),
                        v.length, failed.get(s.name()), v[0], pct(v, 50), pct(v, 95), v[v.length - 1]);
            }
        }
    }

    /** {@code nft monitor new elements} in the namespace: when each address was first added to any set. */
    private static Side watch(String name, String netns, String log) throws Exception {
        Process p = new ProcessBuilder("ip", "netns", "exec", netns, "nft", "monitor", "new", "elements")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Map<String, Long> seen = new ConcurrentHashMap<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    long now = System.nanoTime();
                    if (line.startsWith("add element")) {
                        Matcher m = IPV4.matcher(line);
                        while (m.find()) {
                            seen.putIfAbsent(m.group(1), now);
                        }
                    }
                }
            } catch (Exception e) {
                // the monitor was stopped
            }
        });
        reader.setDaemon(true);
        reader.start();
        return new Side(name, netns, log, seen, p);
    }

    /** Nearest-rank percentile of sorted values. */
    private static double pct(double[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
