package io.fleetban.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetban.testing.ControllerProcess;
import io.fleetban.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two controller replicas from the packaged jar on one fresh database (started together, so
 * Flyway's lock is exercised too), hammered at once: one ban per ip, a gap-free event log, and a
 * long-poll on one replica woken by a ban decided on the other.
 */
class ControllerClusterIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static String jdbcUrl;
    private static ControllerProcess one;
    private static ControllerProcess two;

    @BeforeAll
    static void startTwoReplicas() {
        jdbcUrl = TestDatabase.fresh("fleetban_cluster");
        one = ControllerProcess.start(jdbcUrl);
        two = ControllerProcess.start(jdbcUrl);
        one.awaitReady();
        two.awaitReady();
    }

    @AfterAll
    static void stop() {
        if (one != null) {
            one.close();
        }
        if (two != null) {
            two.close();
        }
    }

    @Test
    void bothReplicasMigratedOneSchema() throws Exception {
        try (Connection c = db();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT count(*), bool_and(success) FROM flyway_schema_history WHERE version IS NOT NULL");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            assertThat(rs.getBoolean(2)).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(countMigrations());
        }
    }

    @Test
    void hammeringBothReplicasGivesOneBanPerIpAndAGapFreeLog() throws Exception {
        int threadsPerReplica = 8;
        int reportsPerThread = 25;
        List<String> ips = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            ips.add("198.19.7." + i);
        }
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < threadsPerReplica * 2; i++) {
            nodes.add(node(i % 2 == 0 ? one : two, "hammer" + i));
        }
        AtomicBoolean done = new AtomicBoolean();
        ConcurrentLinkedQueue<String> followerProblems = new ConcurrentLinkedQueue<>();
        AtomicLong followed = new AtomicLong(currentLastId());
        CompletableFuture<Void> follower = CompletableFuture.runAsync(() -> follow(followed, done, followerProblems));

        ExecutorService pool = Executors.newFixedThreadPool(nodes.size());
        List<Future<Integer>> results = new ArrayList<>();
        for (Node n : nodes) {
            results.add(pool.submit(() -> {
                int ok = 0;
                List<String> shuffled = new ArrayList<>(ips);
                for (int r = 0; r < reportsPerThread; r++) {
                    Collections.shuffle(shuffled);
                    List<Map<String, Object>> events = new ArrayList<>();
                    for (String ip : shuffled) {
                        Instant now = Instant.now();
                        events.add(Map.of("ip", ip, "kind", "auth-failure", "count", 1,
                                "first", now.toString(), "last", now.toString()));
                    }
                    HttpResponse<String> resp = n.report(r + 1, events);
                    if (resp.statusCode() == 200) {
                        ok++;
                    }
                }
                return ok;
            }));
        }
        int accepted = 0;
        for (Future<Integer> f : results) {
            accepted += f.get(5, TimeUnit.MINUTES);
        }
        pool.shutdown();
        Thread.sleep(500);
        done.set(true);
        follower.get(30, TimeUnit.SECONDS);

        assertThat(accepted).isEqualTo(nodes.size() * reportsPerThread);
        try (Connection c = db()) {
            assertThat(single(c, "SELECT count(*) FROM (SELECT ip FROM bans WHERE lifted_at IS NULL "
                    + "GROUP BY ip HAVING count(*) > 1) dup")).isZero();
            assertThat(single(c, "SELECT count(DISTINCT ip) FROM bans WHERE lifted_at IS NULL "
                    + "AND ip <<= '198.19.7.0/24'")).isEqualTo(ips.size());
            assertThat(single(c, "SELECT count(*) FROM bans WHERE ip <<= '198.19.7.0/24'")).isEqualTo(ips.size());
            long last = single(c, "SELECT last_id FROM ban_event_log");
            long events = single(c, "SELECT count(*) FROM ban_events");
            long min = single(c, "SELECT min(id) FROM ban_events");
            assertThat(last - min + 1).as("ids dense").isEqualTo(events);
            long failures = single(c, "SELECT sum(count) FROM offenses WHERE ip <<= '198.19.7.0/24'");
            assertThat(failures).isEqualTo((long) nodes.size() * reportsPerThread * ips.size());
            assertThat(followed.get()).isEqualTo(last);
        }
        assertThat(followerProblems).isEmpty();
    }

    @Test
    void aLongPollOnOneReplicaWakesOnABanDecidedOnTheOther() throws Exception {
        Node watcher = node(one, "watcher");
        Node reporter = node(two, "reporter");
        List<Long> wakeMs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            long cursor = watcher.decisions(0, 0).get("cursor").asLong();
            String ip = "198.19.9." + (i + 1);
            CompletableFuture<JsonNode> poll = CompletableFuture.supplyAsync(() -> watcher.decisions(cursor, 30));
            Thread.sleep(100); // the poll is parked
            HttpResponse<String> r = reporter.report(i + 1, List.of(Map.of("ip", ip, "kind", "auth-failure",
                    "count", 10, "first", Instant.now().toString(), "last", Instant.now().toString())));
            long decided = System.nanoTime();
            assertThat(r.body()).contains(ip);
            JsonNode woke = poll.get(10, TimeUnit.SECONDS);
            wakeMs.add((System.nanoTime() - decided) / 1_000_000);
            assertThat(woke.get("bans").toString()).contains(ip);
        }
        Collections.sort(wakeMs);
        System.out.printf("long-poll wake after a ban on the other replica: p50 %d ms, max %d ms (n=%d)%n",
                wakeMs.get(wakeMs.size() / 2), wakeMs.get(wakeMs.size() - 1), wakeMs.size());
        assertThat(wakeMs.get(wakeMs.size() / 2)).isLessThan(2000); // generous: the machine is shared
    }

    /** Reads ban_events the way a follower does and checks every read continues exactly where it stopped. */
    private static void follow(AtomicLong cursor, AtomicBoolean done, ConcurrentLinkedQueue<String> problems) {
        try (Connection c = db();
             PreparedStatement ps = c.prepareStatement("SELECT id FROM ban_events WHERE id > ? ORDER BY id")) {
            boolean last = false;
            while (!last) {
                last = done.get();
                ps.setLong(1, cursor.get());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long id = rs.getLong(1);
                        if (id != cursor.get() + 1) {
                            problems.add("after " + cursor.get() + " came " + id);
                        }
                        cursor.set(id);
                    }
                }
                Thread.sleep(2);
            }
        } catch (SQLException | InterruptedException e) {
            problems.add(e.toString());
        }
    }

    private record Node(ControllerProcess on, String name, String token) {
        HttpResponse<String> report(long seq, List<Map<String, Object>> events) throws Exception {
            String body = JSON.writeValueAsString(Map.of("node", name, "seq", seq, "events", events));
            return HTTP.send(HttpRequest.newBuilder(URI.create(on.url() + "/api/v1/reports"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        }

        JsonNode decisions(long since, int wait) {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                                URI.create(on.url() + "/api/v1/decisions?since=" + since + "&wait=" + wait))
                        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
                return JSON.readTree(r.body());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static Node node(ControllerProcess on, String prefix) throws Exception {
        String name = prefix + "-" + System.nanoTime();
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(on.url() + "/api/v1/nodes"))
                .header("Authorization", "Bearer " + ControllerProcess.ADMIN_TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return new Node(on, name, JSON.readTree(r.body()).get("token").asText());
    }

    private static long currentLastId() throws SQLException {
        try (Connection c = db()) {
            return single(c, "SELECT last_id FROM ban_event_log");
        }
    }

    private static long single(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static int countMigrations() throws Exception {
        try (var files = java.nio.file.Files.list(TestDatabase.home().resolve("src/main/resources/db/migration"))) {
            return (int) files.filter(p -> p.getFileName().toString().matches("V\\d+__.*\\.sql")).count();
        }
    }

    private static Connection db() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, TestDatabase.USER, TestDatabase.PASSWORD);
    }
}
