import com.sun.net.httpserver.HttpServer;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's memory while `collect` follows a busy FreeSWITCH log and reports to a local
 * receiver (which answers 200 like the controller).
 *
 *   java bench/AgentRss.java [--seconds 60] [--rate 5000] [--jvm "-Xmx24m -XX:+UseSerialGC ..."]
 *
 * Writes `rate` lines a second (1 in 10 a "SIP auth failure" from 5 000 rotating addresses),
 * samples VmRSS of the agent process every second and prints the peak and the steady state.
 */
public class AgentRss {

    public static void main(String[] args) throws Exception {
        int seconds = 60;
        int rate = 5000;
        String jvm = "-Xmx24m -XX:+UseSerialGC -XX:ReservedCodeCacheSize=16m -XX:MaxMetaspaceSize=32m -Xss256k "
                + "-XX:TieredStopAtLevel=1";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--jvm" -> jvm = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        System.setProperty("sun.net.httpserver.nodelay", "true"); // as the controller: no Nagle delay on answers
        AtomicLong reported = new AtomicLong();
        AtomicLong reports = new AtomicLong();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v1/reports", x -> {
            String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            for (int at = body.indexOf("\"count\":"); at >= 0; at = body.indexOf("\"count\":", at + 1)) {
                int end = at + 8;
                while (Character.isDigit(body.charAt(end))) {
                    end++;
                }
                reported.addAndGet(Long.parseLong(body.substring(at + 8, end)));
            }
            reports.incrementAndGet();
            byte[] ok = "{\"accepted\":1,\"duplicate\":false,\"banned\":[]}".getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, ok.length);
            x.getResponseBody().write(ok);
            x.close();
        });
        server.start();

        Path dir = Files.createTempDirectory("fleetban-rss");
        Path log = dir.resolve("freeswitch.log");
        Files.writeString(log, "");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(Arrays.asList(jvm.trim().split("\\s+")));
        cmd.addAll(List.of("-jar", "target/fleetban-agent.jar", "collect", "--filter", "freeswitch"));
        cmd.addAll(List.of("--controller", "http://127.0.0.1:" + server.getAddress().getPort(), "--token", "bench",
                "--log", log.toString(), "--node", "bench", "--state", dir.resolve("state").toString()));
        System.out.println("agent: " + String.join(" ", cmd));
        Process agent = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("agent.log").toFile()).start();
        Thread.sleep(2000);

        final int perSecond = rate;
        long[] failures = new long[1];
        Thread writer = new Thread(() -> {
            try (OutputStream out = new FileOutputStream(log.toFile(), true)) {
                long n = 0;
                long next = System.nanoTime();
                while (!Thread.currentThread().isInterrupted()) {
                    StringBuilder sb = new StringBuilder();
                    for (int i = 0; i < perSecond / 100; i++, n++) {
                        sb.append("2026-11-25 10:00:00.").append(String.format("%06d", n % 1_000_000));
                        if (n % 10 == 0) {
                            String ip = "10." + (n / 10 % 5000 / 250) + "." + (n / 10 % 250) + ".7";
                            sb.append(" [WARNING] sofia_reg.c:3211 SIP auth failure (REGISTER) on sofia profile 'internal' "
                                    + "for [1000@example.com] from ip ").append(ip);
                            failures[0]++;
                        } else {
                            sb.append(" [DEBUG] switch_core_session.c:1755 Session ").append(n)
                                    .append(" (sofia/internal/1000@example.com) Ended");
                        }
                        sb.append('\n');
                    }
                    out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
                    next += 10_000_000;
                    long sleep = next - System.nanoTime();
                    if (sleep > 0) {
                        Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                    }
                }
            } catch (InterruptedException e) {
                // done
            } catch (Exception e) {
                e.printStackTrace();
            }
        });
        writer.start();

        long pid = agent.pid();
        List<Long> samples = new ArrayList<>();
        for (int s = 1; s <= seconds; s++) {
            Thread.sleep(1000);
            long rss = status(pid, "VmRSS:");
            samples.add(rss);
            System.out.printf("t=%3ds rss=%6d kB written=%d reported=%d reports=%d%n", s, rss, failures[0], reported.get(),
                    reports.get());
        }
        writer.interrupt();
        writer.join();
        long hwm = status(pid, "VmHWM:");
        double cpu = cpuSeconds(pid);
        Thread.sleep(2000);
        List<Long> steady = new ArrayList<>(samples.subList(samples.size() / 2, samples.size()));
        steady.sort(null);
        System.out.printf("RESULT rate=%d lines/s for %d s: peak VmHWM %.1f MiB, steady VmRSS median %.1f MiB (max %.1f MiB); "
                        + "%d failures written, %d reported in %d reports; agent CPU %.1f s (start-up included)%n", rate, seconds,
                hwm / 1024.0, steady.get(steady.size() / 2) / 1024.0, steady.get(steady.size() - 1) / 1024.0, failures[0],
                reported.get(), reports.get(), cpu);
        agent.destroy();
        agent.waitFor();
        server.stop(0);
    }

    /** utime + stime of the process, from /proc/PID/stat (fields 14 and 15, in clock ticks of 1/100 s). */
    private static double cpuSeconds(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    }

    private static long status(long pid, String field) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
            }
        }
        return -1;
    }
}
