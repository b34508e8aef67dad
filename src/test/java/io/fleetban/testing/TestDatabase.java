package io.fleetban.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One real PostgreSQL per test JVM, started the way {@code ./fleetban up} starts it
 * ({@code fleetban db start}), stopped when the JVM exits. No mock, no in-memory substitute.
 */
public final class TestDatabase {

    public static final String USER = "fleetban";
    public static final String PASSWORD = "fleetban";

    private static Path dir;

    private TestDatabase() {
    }

    /** Starts the cluster if this JVM has not yet; returns nothing, see {@link #fresh(String)}. */
    public static synchronized void start() {
        if (dir != null) {
            return;
        }
        Path d = Path.of(System.getProperty("fbtest.pg.dir", "target/pg")).toAbsolutePath();
        fleetban("db", "start", d.toString(), Integer.toString(freePort()));
        dir = d;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> fleetban("db", "stop", d.toString())));
    }

    /** An empty database {@code name}, dropped first if it exists; returns its JDBC URL. */
    public static String fresh(String name) {
        start();
        return fleetban("db", "fresh", dir.toString(), name).trim();
    }

    public static Path home() {
        return Path.of(System.getProperty("fbtest.home", ".")).toAbsolutePath();
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String fleetban(String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("bash", home().resolve("fleetban").toString()));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("'" + String.join(" ", cmd) + "' failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
