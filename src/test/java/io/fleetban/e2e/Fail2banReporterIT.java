package io.fleetban.e2e;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code contrib/fail2ban/action.d/fleetban.conf} with Debian's fail2ban: a fail2ban-server in the
 * foreground with a configuration of its own in a temp dir (its stock {@code freeswitch} filter,
 * our action and nothing else, so no host firewall is touched) follows a FreeSWITCH log; its ban
 * arrives at a real controller as a report of that node, which the controller's jail turns into a
 * fleet-wide ban with the failures, the node and the log line as evidence.
 */
class Fail2banReporterIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final DateTimeFormatter FS_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

    @TempDir
    static Path dir;
    private static ControllerProcess controller;
    private static Process fail2ban;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/fail2ban-server")),
                "skipped: fail2ban is not installed (apt-get install fail2ban)");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "skipped: curl is not installed");
        controller = ControllerProcess.start(TestDatabase.fresh("fleetban_f2b")).awaitReady();

        JsonNode node = JSON.readTree(admin("POST", "/api/v1/nodes", "{\"name\":\"pbx7\"}", 201));
        Path token = dir.resolve("pbx7.token");
        Files.writeString(token, node.get("token").asText());
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));

        Path conf = Files.createDirectories(dir.resolve("fail2ban"));
        Files.createDirectories(conf.resolve("filter.d"));
        Files.createDirectories(conf.resolve("action.d"));
        for (String f : List.of("common.conf", "freeswitch.conf")) {
            Files.copy(Path.of("/etc/fail2ban/filter.d", f), conf.resolve("filter.d").resolve(f));
        }
        Files.copy(TestDatabase.home().resolve("contrib/fail2ban/action.d/fleetban.conf"),
                conf.resolve("action.d/fleetban.conf"));
        Files.writeString(conf.resolve("fail2ban.conf"), """
                [Definition]
                loglevel = INFO
                logtarget = %1$s/fail2ban.log
                socket = %1$s/fail2ban.sock
                pidfile = %1$s/fail2ban.pid
                dbfile = :memory:
                """.formatted(dir));
        Files.writeString(conf.resolve("jail.conf"), """
                [DEFAULT]
                backend = polling
                usedns = no

                [freeswitch]
                enabled = true
                filter = freeswitch
                logpath = %1$s/freeswitch.log
                maxretry = 10
                findtime = 600
                bantime = 600
                action = fleetban[fleetban_url="%2$s", fleetban_tokenfile="%1$s/pbx7.token", fleetban_node="pbx7"]
                """.formatted(dir, controller.url()));
        Files.createFile(dir.resolve("freeswitch.log"));

        fail2ban = new ProcessBuilder("fail2ban-server", "-f", "-x", "-c", conf.toString(),
                "-s", dir.resolve("fail2ban.sock").toString(), "-p", dir.resolve("fail2ban.pid").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("fail2ban.out").toFile()).start();
        awaitLog("Jail 'freeswitch' started", 60);
    }

    @AfterAll
    static void stop() throws Exception {
        if (fail2ban != null) {
            fail2ban.destroy();
            if (!fail2ban.waitFor(20, TimeUnit.SECONDS)) {
                fail2ban.destroyForcibly();
            }
        }
        if (controller != null) {
            controller.close();
        }
    }

    @Test
    void aFail2banBanBecomesAFleetBanWithItsEvidence() throws Exception {
        // A user part with quotes, $( ) and backticks: it reaches the action's shell and must
        // arrive as text, not run.
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String user = i == 9 ? "\\\"it's\\\" $(touch " + dir.resolve("pwned") + ") `id`@pbx" : "100" + i + "@pbx";
            lines.add(now() + " [WARNING] sofia_reg.c:1664 SIP auth failure (REGISTER) on sofia profile 'internal' for ["
                    + user + "] from ip 203.0.113.77");
        }
        Files.writeString(dir.resolve("freeswitch.log"), String.join("\n", lines) + "\n", StandardOpenOption.APPEND);

        JsonNode ban = awaitBan("203.0.113.77", 60);
        assertThat(ban.get("jail").asText()).isEqualTo("freeswitch");
        assertThat(ban.get("failures").asInt()).isEqualTo(10);
        assertThat(ban.at("/evidence/nodes/pbx7/auth-failure").asInt()).isEqualTo(10);
        assertThat(ban.at("/evidence/samples/0").asText()).isEqualTo(lines.get(9));
        assertThat(dir.resolve("pwned")).doesNotExist();

        JsonNode status = JSON.readTree(admin("GET", "/api/v1/status/freeswitch", null, 200));
        assertThat(status.get("total_failed").asLong()).isEqualTo(10);
        assertThat(status.get("banned_ips").toString()).contains("203.0.113.77");
    }

    private static String now() {
        return LocalDateTime.now().format(FS_TIME);
    }

    private static JsonNode awaitBan(String ip, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            for (JsonNode b : JSON.readTree(admin("GET", "/api/v1/bans?q=" + ip, null, 200)).get("bans")) {
                if (b.get("ip").asText().equals(ip)) {
                    return b;
                }
            }
            assertThat(fail2ban.isAlive()).as("fail2ban-server is running; see " + dir.resolve("fail2ban.log")).isTrue();
            Thread.sleep(250);
        }
        throw new AssertionError("no fleet ban of " + ip + " after " + seconds + " s; fail2ban's log:\n" + log());
    }

    private static void awaitLog(String text, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (log().contains(text)) {
                return;
            }
            if (!fail2ban.isAlive()) {
                throw new AssertionError("fail2ban-server exited:\n" + Files.readString(dir.resolve("fail2ban.out")) + log());
            }
            Thread.sleep(200);
        }
        throw new AssertionError("fail2ban-server did not log '" + text + "' in " + seconds + " s:\n" + log());
    }

    private static String log() throws IOException {
        Path log = dir.resolve("fail2ban.log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    private static String admin(String method, String path, String body, int expected) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(controller.url() + path))
                .header("Authorization", "Bearer " + ControllerProcess.ADMIN_TOKEN)
                .header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(expected);
        return r.body();
    }
}
