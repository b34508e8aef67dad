package io.fleetban.agent.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetban.testing.ControllerProcess;
import io.fleetban.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged agent against the packaged controller on a real PostgreSQL, killed with SIGKILL
 * again and again while FreeSWITCH failure lines stream in, also just after the log was rotated
 * (by rename, and by copytruncate; often it is still starting up at the next kill, so it is away
 * over both rotations): what the controller stored must be every failure exactly once.
 */
class CollectKillIT {

    private static final int LINES = 12_000;
    private static final int IPS = 100;

    @TempDir
    Path dir;

    @Test
    void killMinus9MidStreamLosesAndRepeatsNothing() throws Exception {
        Path jar = TestDatabase.home().resolve("target/fleetban-agent.jar");
        assertTrue(Files.isRegularFile(jar), "run after package: " + jar);
        String jdbc = TestDatabase.fresh("fleetban_collect_kill");
        try (ControllerProcess controller = ControllerProcess.start(jdbc).awaitReady()) {
            Path token = dir.resolve("token");
            Files.writeString(token, register(controller, "fs1"));
            Path log = dir.resolve("freeswitch.log");
            Files.writeString(log, "");
            Path agentLog = dir.resolve("agent.log");
            List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx32m", "-XX:+UseSerialGC", "-jar", jar.toString(), "collect",
                    "--controller", controller.url(), "--token-file", token.toString(),
                    "--log", log.toString(), "--node", "fs1", "--state", dir.resolve("state").toString(),
                    "--filter", "freeswitch");
            LogFollowerTest.Writer w = new LogFollowerTest.Writer(log, i -> "2026-11-25 10:00:00.000000 [WARNING] "
                    + "sofia_reg.c:1720 SIP auth failure (REGISTER) on sofia profile 'internal' for [line" + i
                    + "@pbx.example.com] from ip 198.51.100." + (i % IPS));
            Random random = new Random(42);
            Process agent = start(cmd, agentLog);
            Thread.sleep(1500); // a first start begins at the log's end: let it get there
            List<Process> all = new ArrayList<>(List.of(agent));
            int kills = 0;
            try {
                for (int chunk = 0; chunk < 12; chunk++) {
                    w.stream(LINES / 12);
                    boolean rotate = chunk == 4 || chunk == 8;
                    if (rotate) {
                        if (chunk == 4) {
                            w.renameRotation(100);
                        } else {
                            w.copytruncate();
                        }
                        w.stream(100);
                    }
                    if (rotate || chunk % 3 == 1) {
                        Thread.sleep(random.nextInt(300));
                        agent.destroyForcibly().waitFor(); // SIGKILL
                        kills++;
                        w.stream(200); // written while it is dead
                        agent = start(cmd, agentLog);
                        all.add(agent);
                    }
                }
                int written = w.written;
                Map<String, Long> stored = awaitStored(jdbc, written);
                Thread.sleep(1000);
                stored = stored(jdbc);
                assertEquals(written, stored.values().stream().mapToLong(Long::longValue).sum(), "every failure once");
                for (int ip = 0; ip < IPS; ip++) {
                    assertEquals(expectedFor(ip, written), stored.getOrDefault("198.51.100." + ip, 0L), "ip " + ip);
                }
                System.out.println("CollectKillIT: " + written + " failures written, " + kills
                        + " kill -9, the controller stored each exactly once");
            } finally {
                for (Process p : all) {
                    p.destroyForcibly();
                }
                System.out.println("--- agent output\n" + Files.readString(agentLog));
            }
        }
    }

    private static long expectedFor(int ip, int written) {
        return written / IPS + (ip < written % IPS ? 1 : 0);
    }

    private static Process start(List<String> cmd, Path output) throws Exception {
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).start();
    }

    static String register(ControllerProcess controller, String node) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(controller.url() + "/api/v1/nodes"))
                        .header("Authorization", "Bearer " + ControllerProcess.ADMIN_TOKEN)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + node + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode(), r.body());
        return r.body().replaceAll(".*\"token\":\"([0-9a-f]+)\".*", "$1");
    }

    /** Failures per ip the controller stored for node fs1. */
    private static Map<String, Long> stored(String jdbc) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        try (Connection c = DriverManager.getConnection(jdbc, TestDatabase.USER, TestDatabase.PASSWORD);
             PreparedStatement ps = c.prepareStatement(
                     "SELECT host(ip), sum(count) FROM offenses WHERE node = 'fs1' GROUP BY ip");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        }
        return out;
    }

    private static Map<String, Long> awaitStored(String jdbc, long expected) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        Map<String, Long> now = stored(jdbc);
        while (now.values().stream().mapToLong(Long::longValue).sum() < expected && System.nanoTime() < deadline) {
            Thread.sleep(250);
            now = stored(jdbc);
        }
        return now;
    }
}
