package io.fleetban.agent.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged agent, killed with SIGKILL again and again while failure lines stream in, also
 * just after the log was rotated (by rename, and by copytruncate; often it is still starting up
 * at the next kill, so it is away over both rotations): the receiver, which like the controller
 * counts each (node, seq) once, must end with every failure exactly once.
 */
class CollectKillIT {

    private static final int LINES = 12_000;
    private static final int IPS = 100;

    @TempDir
    Path dir;

    @Test
    void killMinus9MidStreamLosesAndRepeatsNothing() throws Exception {
        Path jar = Path.of("target/fleetban-agent.jar");
        assertTrue(Files.isRegularFile(jar), "run after package: " + jar.toAbsolutePath());
        Path log = dir.resolve("freeswitch.log");
        Files.writeString(log, "");
        Path agentLog = dir.resolve("agent.log");
        try (Receiver receiver = new Receiver("kill-token")) {
            List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx32m", "-XX:+UseSerialGC", "-jar", jar.toString(), "collect",
                    "--controller", receiver.uri().toString(), "--token", "kill-token",
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
                receiver.awaitTotal(written);
                Thread.sleep(1000);
                assertEquals(written, receiver.total(), "every failure once");
                for (int ip = 0; ip < IPS; ip++) {
                    assertEquals(expectedFor(ip, written), receiver.count("198.51.100." + ip, "auth-failure"), "ip " + ip);
                }
                System.out.println("CollectKillIT: " + written + " failures, " + kills + " kill -9, "
                        + receiver.acceptedSeqs().size() + " reports, " + receiver.duplicates()
                        + " replayed after a kill and counted once");
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
}
