package io.fleetban.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A project script run from a test ({@code e2e/fleet.sh test}, {@code bench/suite.sh --quick}):
 * its output goes to the console and to {@code target/it-logs/NAME.log}, and the last lines are
 * kept for the failure message. A run over its budget gets SIGTERM first, so the script's trap
 * can remove its namespaces and stop what it started.
 */
public final class ScriptRun {

    /** How the script ended: its exit code (-1: over budget), the last lines and the whole log. */
    public record Outcome(int exit, String tail, Path log, double seconds) {
    }

    private ScriptRun() {
    }

    public static Outcome run(String name, long budgetMinutes, List<String> command) throws IOException, InterruptedException {
        Path home = TestDatabase.home();
        Path log = home.resolve("target/it-logs/" + name + ".log");
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true);
        pb.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        long started = System.nanoTime();
        Process p = pb.start();
        Deque<String> tail = new ArrayDeque<>();
        Thread pump = new Thread(() -> pump(p, log, tail), name + "-output");
        pump.start();
        int exit;
        if (p.waitFor(budgetMinutes, TimeUnit.MINUTES)) {
            exit = p.exitValue();
        } else {
            p.destroy();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            exit = -1;
        }
        pump.join(10_000);
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("%s took %.0f s%n", String.join(" ", command), seconds);
        synchronized (tail) {
            return new Outcome(exit, String.join("\n", tail), log, seconds);
        }
    }

    private static void pump(Process p, Path log, Deque<String> tail) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
            String line;
            while ((line = in.readLine()) != null) {
                System.out.println(line);
                out.println(line);
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > 40) {
                        tail.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            System.err.println(log.getFileName() + ": " + e.getMessage());
        }
    }
}
