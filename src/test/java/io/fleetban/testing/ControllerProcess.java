package io.fleetban.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A controller started from the packaged jar ({@code target/quarkus-app/quarkus-run.jar}) as its
 * own process, the way {@code ./fleetban up} and Kubernetes run it; for tests that need two
 * replicas, a kill -9, or an agent in another namespace.
 */
public final class ControllerProcess implements AutoCloseable {

    public static final String ADMIN_TOKEN = "it-admin-token";

    private final int port;
    private final Path log;
    private final List<String> command;
    private final Map<String, String> env;
    private Process process;

    private ControllerProcess(String jdbcUrl, int port, String host, Map<String, String> extraEnv) {
        this.port = port;
        this.log = TestDatabase.home().resolve("target/it-logs/controller-" + port + ".log");
        this.command = List.of(javaBin(), "-Xmx256m", "-jar",
                TestDatabase.home().resolve("target/quarkus-app/quarkus-run.jar").toString());
        Map<String, String> e = new HashMap<>(Map.of(
                "QUARKUS_DATASOURCE_JDBC_URL", jdbcUrl,
                "QUARKUS_DATASOURCE_USERNAME", TestDatabase.USER,
                "QUARKUS_DATASOURCE_PASSWORD", TestDatabase.PASSWORD,
                "QUARKUS_HTTP_PORT", Integer.toString(port),
                "QUARKUS_HTTP_HOST", host,
                "FLEETBAN_ADMIN_TOKEN", ADMIN_TOKEN));
        e.putAll(extraEnv);
        this.env = Map.copyOf(e);
    }

    /** Starts a controller on a free port of 127.0.0.1; call {@link #awaitReady()} before use. */
    public static ControllerProcess start(String jdbcUrl) {
        return start(jdbcUrl, TestDatabase.freePort(), "127.0.0.1");
    }

    public static ControllerProcess start(String jdbcUrl, int port, String host) {
        return start(jdbcUrl, port, host, Map.of());
    }

    /** With more environment, e.g. the TLS registry's certificate. */
    public static ControllerProcess start(String jdbcUrl, int port, String host, Map<String, String> extraEnv) {
        ControllerProcess c = new ControllerProcess(jdbcUrl, port, host, extraEnv);
        c.launch();
        return c;
    }

    public void launch() {
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().putAll(env);
            process = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start the controller", e);
        }
    }

    public ControllerProcess awaitReady() {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("controller on :" + port + " exited; see " + log);
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(200);
        }
        throw new IllegalStateException("controller on :" + port + " not ready after 90 s; see " + log);
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path log() {
        return log;
    }

    /** kill -9: no shutdown hook, no goodbye. */
    public void kill9() {
        process.destroyForcibly();
        waitFor();
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            waitFor();
        }
    }

    private void waitFor() {
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
