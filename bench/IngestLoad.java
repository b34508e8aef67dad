import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Report ingestion load: N agents (threads, one node each) send reports of B (ip, kind)
 * aggregates as fast as the controller(s) accept them, for S seconds; prints events/s persisted
 * (200s only) and the latency distribution.
 *
 *   java [-Drate=R] bench/IngestLoad.java ADMIN_TOKEN SECONDS AGENTS BATCH URL [URL...]
 *
 * Agents are spread round-robin over the URLs (two controller replicas in the benchmark).
 * With -Drate=R each agent sends at most R reports a second (bench/overload.sh) and, like the
 * real agent, answers a 429 by waiting its Retry-After and sending the same report again.
 * Addresses come from 10.0.0.0/8 at random, so few ever reach a ban: it measures the
 * insert-and-check path that every report takes.
 */
public class IngestLoad {

    public static void main(String[] args) throws Exception {
        String admin = args[0];
        int seconds = Integer.parseInt(args[1]);
        int agents = Integer.parseInt(args[2]);
        int batch = Integer.parseInt(args[3]);
        List<String> urls = List.of(args).subList(4, args.length);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String run = Long.toString(System.currentTimeMillis(), 36);

        List<String[]> nodes = new ArrayList<>();
        for (int i = 0; i < agents; i++) {
            String url = urls.get(i % urls.size());
            String name = "load-" + run + "-" + i;
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/nodes"))
                    .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) {
                throw new IllegalStateException("node registration failed: " + r.body());
            }
            String token = r.body().replaceAll(".*\"token\":\"([0-9a-f]+)\".*", "$1");
            nodes.add(new String[] {url, name, token});
        }

        double rate = Double.parseDouble(System.getProperty("rate", "0"));
        long pause = rate > 0 ? (long) (1e9 / rate) : 0;
        AtomicLong events = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        ExecutorService pool = Executors.newFixedThreadPool(agents);
        List<Future<?>> futures = new ArrayList<>();
        for (String[] node : nodes) {
            futures.add(pool.submit(() -> {
                Random rnd = new Random(node[1].hashCode());
                long seq = 0;
                String[] kinds = {"auth-failure", "unknown-user", "auth-challenge"};
                long due = System.nanoTime();
                while (System.nanoTime() < end) {
                    if (pause > 0) {
                        due += pause;
                        long early = due - System.nanoTime();
                        if (early > 0) {
                            Thread.sleep(early / 1_000_000, (int) (early % 1_000_000));
                        }
                    }
                    String now = Instant.now().toString();
                    StringBuilder sb = new StringBuilder(batch * 120);
                    sb.append("{\"node\":\"").append(node[1]).append("\",\"seq\":").append(++seq).append(",\"events\":[");
                    for (int i = 0; i < batch; i++) {
                        if (i > 0) {
                            sb.append(',');
                        }
                        sb.append("{\"ip\":\"10.").append(rnd.nextInt(256)).append('.').append(rnd.nextInt(256))
                                .append('.').append(rnd.nextInt(256)).append("\",\"kind\":\"")
                                .append(kinds[rnd.nextInt(3)]).append("\",\"count\":1,\"first\":\"").append(now)
                                .append("\",\"last\":\"").append(now).append("\"}");
                    }
                    sb.append("]}");
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(node[0] + "/api/v1/reports"))
                                .header("Authorization", "Bearer " + node[2]).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(sb.toString())).build(),
                                HttpResponse.BodyHandlers.ofString());
                        latencies.add(System.nanoTime() - t0);
                        if (r.statusCode() == 200) {
                            events.addAndGet(batch);
                        } else if (r.statusCode() == 429 && pause > 0) {
                            refused.incrementAndGet();
                            seq--; // a refused report is not stored: its seq goes again, after the wait asked for
                            Thread.sleep(1000 * Long.parseLong(r.headers().firstValue("Retry-After").orElse("1")));
                        } else {
                            failed.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        long start = System.nanoTime();
        for (Future<?> f : futures) {
            f.get();
        }
        double secs = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        List<Long> sorted = new ArrayList<>(latencies);
        sorted.sort(null);
        System.out.printf("agents=%d batch=%d controllers=%d seconds=%.1f reports=%d failed=%d refused=%d "
                        + "accepted_events=%d events/s=%.0f latency_ms p50=%.1f p95=%.1f p99=%.1f max=%.1f%n",
                agents, batch, urls.size(), secs, sorted.size(), failed.get(), refused.get(), events.get(),
                events.get() / secs, pct(sorted, 50), pct(sorted, 95), pct(sorted, 99), pct(sorted, 100));
    }

    private static double pct(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        return sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100)) / 1e6;
    }
}
