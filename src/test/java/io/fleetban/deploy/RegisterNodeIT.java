package io.fleetban.deploy;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * src/main/docker/register-node.sh (the agent DaemonSet's init step, and ExecStartPre of the
 * systemd unit) against a real controller: it registers once, keeps the token, reuses it, and
 * says what to do when it cannot.
 */
class RegisterNodeIT {

    private static ControllerProcess controller;

    @TempDir
    Path state;

    @BeforeAll
    static void start() {
        controller = ControllerProcess.start(TestDatabase.fresh("fleetban_register")).awaitReady();
    }

    @AfterAll
    static void stop() {
        if (controller != null) {
            controller.close();
        }
    }

    record Run(int status, String output) {
    }

    private Run register(String node, String adminToken) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", TestDatabase.home().resolve("src/main/docker/register-node.sh").toString())
                .redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("FLEETBAN_CONTROLLER", controller.url());
        env.put("FLEETBAN_NODE", node);
        env.put("FLEETBAN_TOKEN_FILE", tokenFile().toString());
        env.remove("FLEETBAN_ADMIN_TOKEN");
        if (adminToken != null) {
            env.put("FLEETBAN_ADMIN_TOKEN", adminToken);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    private Path tokenFile() {
        return state.resolve("node.token");
    }

    private int decisionsStatus(String token) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(controller.url() + "/api/v1/decisions"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode();
    }

    @Test
    void registersOnceKeepsTheTokenPrivateAndReusesIt() throws Exception {
        Run first = register("fs-register-1", ControllerProcess.ADMIN_TOKEN);
        assertThat(first.status()).as(first.output()).isZero();
        assertThat(first.output()).contains("registered node 'fs-register-1'");
        String token = Files.readString(tokenFile()).strip();
        assertThat(token).isNotEmpty();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile()))).isEqualTo("rw-------");
        assertThat(decisionsStatus(token)).as("the kept token is the node's agent token").isEqualTo(200);

        // A restart: no admin token needed any more, nothing changes.
        Run again = register("fs-register-1", null);
        assertThat(again.status()).as(again.output()).isZero();
        assertThat(again.output()).contains("already has its token");
        assertThat(Files.readString(tokenFile()).strip()).isEqualTo(token);
    }

    @Test
    void aRegisteredNodeWithoutItsTokenIsToldWhatToDo() throws Exception {
        assertThat(register("fs-register-2", ControllerProcess.ADMIN_TOKEN).status()).isZero();
        Files.delete(tokenFile());

        Run lost = register("fs-register-2", ControllerProcess.ADMIN_TOKEN);
        assertThat(lost.status()).isEqualTo(1);
        assertThat(lost.output()).contains("node 'fs-register-2' is registered already", tokenFile().toString(),
                "/api/v1/nodes/fs-register-2/token");
        assertThat(tokenFile()).doesNotExist();

        // What the message says works: a rotated token in the file, and the next start reuses it.
        HttpResponse<String> rotated = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(controller.url() + "/api/v1/nodes/fs-register-2/token"))
                .header("Authorization", "Bearer " + ControllerProcess.ADMIN_TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
        String token = new ObjectMapper().readTree(rotated.body()).path("token").asText();
        Files.writeString(tokenFile(), token + "\n");
        assertThat(register("fs-register-2", null).status()).isZero();
        assertThat(decisionsStatus(token)).isEqualTo(200);
    }

    @Test
    void aWrongAdminTokenIsNamed() throws Exception {
        Run r = register("fs-register-3", "not-the-admin-token");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.output()).contains("refused the admin token (HTTP 401)");
        assertThat(tokenFile()).doesNotExist();
    }

    @Test
    void badInputIsRefusedBeforeAnyRequest() throws Exception {
        Run badName = register("fs 4; rm -rf /", ControllerProcess.ADMIN_TOKEN);
        assertThat(badName.status()).isEqualTo(2);
        assertThat(badName.output()).contains("node name 'fs 4; rm -rf /' is not");

        Run noAdmin = register("fs-register-5", null);
        assertThat(noAdmin.status()).isEqualTo(2);
        assertThat(noAdmin.output()).contains("FLEETBAN_ADMIN_TOKEN is not set");
    }
}
