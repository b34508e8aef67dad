package io.fleetban.controller.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetban.testing.ControllerProcess;
import io.fleetban.testing.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The console in a real browser: Debian's headless Chromium, driven by a Playwright script
 * ({@code src/test/js/console}, playwright-core installed from npm at a pinned version by this
 * test) against the packaged controller. An agent's report creates two bans; the script signs in,
 * finds one with its evidence, unbans it, edits a jail, and allowlists a range that lifts the other.
 * Screenshots land in {@code target/screenshots/}. Skipped, saying why, where Chromium or Node is
 * missing or Chromium cannot start.
 */
class DashboardIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String NODE = "fs-e2e";
    private static final String BANNED = "203.0.113.9";
    private static final String COVERED = "198.51.100.70";
    private static final String ALLOW = "198.51.100.64/26";
    private static final String SILENT = "fs-spare-4";

    @Test
    void anOperatorWorksTheConsoleInChromium() throws Exception {
        String chromium = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
        Assumptions.assumeTrue(Files.isExecutable(Path.of(chromium)),
                "no Chromium at " + chromium + " (apt-get install chromium; ./fleetban test installs it)");
        int node = nodeMajorVersion();
        Assumptions.assumeTrue(node >= 20, node < 0 ? "no node on the PATH" : "node " + node + " is older than 20");

        Path work = TestDatabase.home().resolve("target/console-e2e");
        Path shots = TestDatabase.home().resolve("target/screenshots");
        Path log = TestDatabase.home().resolve("target/it-logs/console-e2e.log");
        install(work, log);

        ControllerProcess controller = ControllerProcess.start(TestDatabase.fresh("fleetban_console"));
        try (controller) {
            controller.awaitReady();
            String url = controller.url();
            // A small fleet: two nodes see the attacks (one ip is counted across both), one only follows
            // the bans, and one never showed up (the console marks it silent).
            String token = post(url, "/api/v1/nodes", Map.of("name", NODE)).get("token").asText();
            String second = post(url, "/api/v1/nodes", Map.of("name", "fs-edge-2")).get("token").asText();
            String follower = post(url, "/api/v1/nodes", Map.of("name", "fs-media-3")).get("token").asText();
            post(url, "/api/v1/nodes", Map.of("name", SILENT));
            JsonNode report = post(url, "/api/v1/reports", Map.of("node", NODE, "seq", 1, "events",
                    List.of(failures(BANNED, 12), failures(COVERED, 12), failures("198.18.7.41", 6),
                            failures("198.18.7.42", 31), failures("203.0.113.200", 17))), token);
            assertThat(report.get("banned").toString()).contains(BANNED, COVERED);
            post(url, "/api/v1/reports", Map.of("node", "fs-edge-2", "seq", 1, "events",
                    List.of(failures("198.18.7.41", 6), failures("198.18.9.3", 20))), second);
            send(HttpRequest.newBuilder(URI.create(url + "/api/v1/decisions")).GET(), follower);

            ProcessBuilder pb = new ProcessBuilder("node", "console.e2e.mjs").directory(work.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(Map.of("FLEETBAN_URL", url, "FLEETBAN_TOKEN", ControllerProcess.ADMIN_TOKEN,
                    "BANNED_IP", BANNED, "COVERED_IP", COVERED, "ALLOW_CIDR", ALLOW, "NODE_NAME", NODE, "SILENT_NODE", SILENT,
                    "SCREENSHOTS", shots.toString(), "CHROMIUM", chromium));
            int exit = run(pb, 180, log);
            String output = Files.readString(log);
            System.out.println(output);
            Assumptions.assumeTrue(exit != 3, "Chromium cannot run here: " + output.strip());
            if (exit != 0) {
                fail("the console test failed (exit " + exit + "; screenshots in " + shots + "):\n" + output);
            }

            // What the clicks did, seen through the API.
            List<String> active = new ArrayList<>();
            get(url, "/api/v1/bans?limit=1000").get("bans").forEach(b -> active.add(b.get("ip").asText()));
            assertThat(active).doesNotContain(BANNED, COVERED);
            assertThat(get(url, "/api/v1/allowlist").get("allowlist").toString()).contains(ALLOW, "office");
            JsonNode audit = get(url, "/api/v1/audit?action=unban").get("entries");
            assertThat(audit).anySatisfy(e -> {
                assertThat(e.get("target").asText()).isEqualTo(BANNED);
                assertThat(e.get("actor").asText()).isEqualTo("admin");
            });
            assertThat(get(url, "/api/v1/jails/freeswitch").get("maxretry").asInt()).isEqualTo(8);
            assertThat(shots.resolve("dashboard.png")).isNotEmptyFile();
            assertThat(shots.resolve("overview-phone.png")).isNotEmptyFile();
        }
    }

    /** npm ci from the committed lock file, into target/ (a clean clone has no node_modules). */
    private static void install(Path work, Path log) throws Exception {
        Files.createDirectories(work);
        Files.createDirectories(log.getParent());
        Path source = TestDatabase.home().resolve("src/test/js/console");
        for (String f : List.of("package.json", "package-lock.json", "console.e2e.mjs")) {
            Files.copy(source.resolve(f), work.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        ProcessBuilder npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        int exit = run(npm, 300, log);
        if (exit != 0) {
            fail("npm ci in " + work + " failed (exit " + exit + "):\n" + Files.readString(log));
        }
    }

    private static int run(ProcessBuilder pb, int seconds, Path log) throws Exception {
        Process p = pb.start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", pb.command()) + " did not finish within " + seconds + " s:\n" + Files.readString(log));
        }
        return p.exitValue();
    }

    private static int nodeMajorVersion() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor(10, TimeUnit.SECONDS);
            return Integer.parseInt(v.replaceFirst("^v(\\d+).*", "$1"));
        } catch (IOException | NumberFormatException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static Map<String, Object> failures(String ip, int count) {
        String at = Instant.now().toString();
        return Map.of("ip", ip, "kind", "auth-failure", "count", count, "first", at, "last", at, "sample",
                "2026-11-25 10:00:00.000000 [WARNING] sofia_reg.c:1720 SIP auth failure (REGISTER) on sofia profile "
                        + "'internal' for [1001@pbx.example] from ip " + ip);
    }

    private static JsonNode get(String url, String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url + path)).GET(), ControllerProcess.ADMIN_TOKEN);
    }

    private static JsonNode post(String url, String path, Object body) throws Exception {
        return post(url, path, body, ControllerProcess.ADMIN_TOKEN);
    }

    private static JsonNode post(String url, String path, Object body, String token) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))), token);
    }

    private static JsonNode send(HttpRequest.Builder request, String token) throws Exception {
        HttpResponse<String> r = HTTP.send(request.header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
        return JSON.readTree(r.body());
    }
}
