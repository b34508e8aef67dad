package io.fleetban.agent.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetban.testing.ControllerProcess;
import io.fleetban.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fleetban-agent.jar ctl} against the packaged controller, like fail2ban-client against
 * fail2ban-server; also over HTTPS with {@code --cacert}, and refused without it.
 */
class CtlControllerIT {

    @TempDir
    static Path dir;
    private static ControllerProcess controller;
    private static int tlsPort;

    @BeforeAll
    static void start() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key.toString(),
                "-out", cert.toString()).redirectErrorStream(true).start();
        openssl.getInputStream().readAllBytes();
        assertThat(openssl.waitFor()).isZero();
        tlsPort = TestDatabase.freePort();
        controller = ControllerProcess.start(TestDatabase.fresh("fleetban_ctl"), TestDatabase.freePort(), "127.0.0.1",
                Map.of("QUARKUS_HTTP_SSL_PORT", Integer.toString(tlsPort),
                        "QUARKUS_TLS_KEY_STORE_PEM_CONTROLLER_CERT", cert.toString(),
                        "QUARKUS_TLS_KEY_STORE_PEM_CONTROLLER_KEY", key.toString())).awaitReady();
    }

    @AfterAll
    static void stop() {
        if (controller != null) {
            controller.close();
        }
    }

    @Test
    void statusBanUnbanAllowNodes() throws Exception {
        Result status = ctl(controller.url(), "status");
        assertThat(status.exit).isZero();
        assertThat(status.out).contains("Number of jail:").contains("freeswitch-dos");

        Result jail = ctl(controller.url(), "status", "freeswitch");
        assertThat(jail.out).contains("Status for the jail: freeswitch").contains("Currently failed:")
                .contains("Total banned:");

        Result ban = ctl(controller.url(), "ban", "198.51.100.77", "--for", "1h", "--reason", "ctl test");
        assertThat(ban.exit).as(ban.err).isZero();
        assertThat(ctl(controller.url(), "status", "manual").out).contains("Banned IP list:\t198.51.100.77");
        assertThat(ctl(controller.url(), "status").out).contains("Manual bans: 198.51.100.77");

        Result unban = ctl(controller.url(), "unban", "198.51.100.77");
        assertThat(unban.exit).as(unban.err).isZero();
        assertThat(ctl(controller.url(), "status").out).doesNotContain("198.51.100.77");
        Result again = ctl(controller.url(), "unban", "198.51.100.77");
        assertThat(again.exit).isEqualTo(1);
        assertThat(again.err).contains("not banned");

        Result allow = ctl(controller.url(), "allow", "203.0.113.0/24", "--note", "office");
        assertThat(allow.exit).as(allow.err).isZero();
        Result refused = ctl(controller.url(), "ban", "203.0.113.5");
        assertThat(refused.exit).isEqualTo(1);
        assertThat(refused.err).contains("allowlist");

        Result bad = ctl(controller.url(), "ban", "10.0.0.0/8");
        assertThat(bad.exit).isEqualTo(1);
        assertThat(bad.err).contains("/16");

        assertThat(ctl(controller.url(), "nodes").exit).isZero();
    }

    @Test
    void httpsWithTheControllersCertificateOnly() throws Exception {
        String https = "https://127.0.0.1:" + tlsPort;
        Result ok = ctl(https, "--cacert", dir.resolve("cert.pem").toString(), "status");
        assertThat(ok.exit).as(ok.err).isZero();
        assertThat(ok.out).contains("Number of jail:");

        Result untrusted = ctl(https, "status");
        assertThat(untrusted.exit).isEqualTo(1);
        assertThat(untrusted.err).containsIgnoringCase("certificat");
    }

    private record Result(int exit, String out, String err) {
    }

    private static Result ctl(String url, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", TestDatabase.home().resolve("target/fleetban-agent.jar").toString(), "ctl",
                "--controller", url, "--token", ControllerProcess.ADMIN_TOKEN));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
