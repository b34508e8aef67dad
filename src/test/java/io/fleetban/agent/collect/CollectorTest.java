package io.fleetban.agent.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetban.agent.ControllerClient;
import io.fleetban.core.filter.FreeswitchFilter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole collect path (log, filter, batches, spool, HTTP) against a local receiver that misbehaves on cue. */
class CollectorTest {

    @TempDir
    Path dir;

    private Receiver receiver;
    private Path log;
    private final List<Collector> collectors = new ArrayList<>();
    private final List<String> messages = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        receiver = new Receiver("agent-token");
        log = dir.resolve("freeswitch.log");
        Files.writeString(log, "");
    }

    @AfterEach
    void tearDown() {
        collectors.forEach(Collector::close);
        receiver.close();
        assertEquals(List.of(), receiver.problems(), "reports the controller would refuse");
    }

    @Test
    void anIdleAgentReportsAFailureAtOnce() throws Exception {
        start(Long.MAX_VALUE);
        append(1, 0);
        receiver.awaitTotal(1);
        for (int i = 1; i <= 5; i++) {
            long t0 = System.nanoTime();
            append(1, 50 * i); // the same address again
            receiver.awaitTotal(1 + i);
            System.out.printf("log line to report received: %.1f ms (inotify, spool fsync, HTTP)%n",
                    (System.nanoTime() - t0) / 1e6);
        }
        assertEquals(6, receiver.count("203.0.113.0", "auth-failure"));
        assertEquals(6, receiver.requests(), "one report per failure");
    }

    @Test
    void aBusyAgentBatchesPerIpAndKind() throws Exception {
        start(Long.MAX_VALUE);
        append(20_000, 0);
        receiver.awaitTotal(20_000);
        assertEquals(20_000 / 50, receiver.count("203.0.113.7", "auth-failure"));
        System.out.println("20000 failures of 50 ips in " + receiver.requests() + " reports");
        assertTrue(receiver.requests() < 20_000, "aggregated");
    }

    @Test
    void errorsAreRetriedInOrderAndNothingIsLostOrCountedTwice() throws Exception {
        receiver.script(Receiver.CUT, 503, 429, 500, Receiver.STORE_THEN_CUT, 503);
        start(Long.MAX_VALUE);
        append(3000, 0);
        receiver.awaitTotal(3000);
        Thread.sleep(300);
        assertEquals(3000, receiver.total());
        assertEquals(1, receiver.duplicates(), "the report whose answer was lost came again with its seq");
        assertIncreasing(receiver.acceptedSeqs());
    }

    @Test
    void aRefusedReportIsDroppedLoudlyAndTheOthersGo() throws Exception {
        start(Long.MAX_VALUE);
        receiver.script(400);
        append(1, 0);
        awaitMessage("REJECTED");
        append(5, 1);
        receiver.awaitTotal(5);
        assertTrue(messages.stream().anyMatch(m -> m.contains("scripted 400 (field events[0].ip)")), "the controller's message");
    }

    @Test
    void theSpoolKeepsItsBoundAndCountsWhatItDropped() throws Exception {
        receiver.down();
        Collector c = start(1024 * 1024);
        for (int i = 0; i < 20; i++) {
            appendDistinct(1000, i * 1000); // 1 000 addresses: a full report of ~190 KB each time
            Thread.sleep(50);
        }
        awaitMessage("dropped");
        assertTrue(c.spoolBytes() <= 1024 * 1024, "spool within its bound: " + c.spoolBytes());
        receiver.up();
        long dropped = c.droppedFailures();
        assertTrue(dropped > 0, "the spool dropped reports");
        long expected = 20 * 1000 - dropped;
        System.out.println("dropped " + dropped + " of " + 20 * 1000 + " failures");
        receiver.awaitTotal(expected);
        Thread.sleep(300);
        assertEquals(expected, receiver.total(), "what was not dropped arrived, once");
        assertIncreasing(receiver.acceptedSeqs());
    }

    @Test
    void aFullDiskStallsTheSpoolAndLosesNoLine() throws Exception {
        Path state = Files.createDirectories(dir.resolve("state"));
        // A real ENOSPC: the state directory on a 1 MiB tmpfs, the spool's own bound far above it.
        Assumptions.assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=1m", "fbtest-spool", state.toString()) == 0,
                "cannot mount a small tmpfs here");
        try {
            receiver.down();
            start(32L << 20);
            for (int i = 0; i < 12; i++) {
                appendDistinct(1000, i * 1000); // ~190 KB a report: twelve of them do not fit
                Thread.sleep(100);
            }
            awaitMessage("cannot write to the spool");
            receiver.up();
            receiver.awaitTotal(12_000);
            Thread.sleep(300);
            assertEquals(12_000, receiver.total(), "every failure arrived, once, when the disk had room again");
            assertIncreasing(receiver.acceptedSeqs());
        } finally {
            collectors.forEach(Collector::close);
            collectors.clear();
            run("umount", "-l", state.toString());
        }
    }

    private static int run(String... command) throws IOException, InterruptedException {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start().waitFor();
    }

    @Test
    void behindASlowControllerTheBacklogGrowsByReportsOfManyFailures() throws Exception {
        receiver.down();
        start(Long.MAX_VALUE);
        for (int i = 0; i < 30; i++) {
            append(100, i * 100);
            Thread.sleep(50); // 1.5 s of failures while the first reports wait
        }
        receiver.up();
        receiver.awaitTotal(3000);
        System.out.println("3000 failures over 1.5 s behind a failing controller: " + receiver.acceptedSeqs().size()
                + " reports");
        assertTrue(receiver.acceptedSeqs().size() <= 4, "not one report per 100 ms: " + receiver.acceptedSeqs().size());
    }

    @Test
    void aRestartResendsWhatWasNotAnsweredAndReadsOnWhereItStopped() throws Exception {
        Collector first = start(Long.MAX_VALUE);
        append(100, 0);
        receiver.awaitTotal(100);
        receiver.down();
        append(100, 100);
        awaitMessage("keeping reports in the spool");
        first.close();
        append(100, 200); // written while the agent is down
        receiver.up();
        start(Long.MAX_VALUE);
        receiver.awaitTotal(300);
        Thread.sleep(300);
        assertEquals(300, receiver.total());
        assertIncreasing(receiver.acceptedSeqs());
    }

    @Test
    void theFirstStartBeginsAtTheEndAndLaterStartsDoNot() throws Exception {
        append(10, 0); // before the agent ever ran: not reported
        Collector first = start(Long.MAX_VALUE);
        first.close();
        append(10, 10); // while it is stopped: reported
        start(Long.MAX_VALUE);
        receiver.awaitTotal(10);
        assertEquals(0, receiver.count("203.0.113.0", "auth-failure"));
        assertEquals(1, receiver.count("203.0.113.10", "auth-failure"));
    }

    private static void assertIncreasing(List<Long> seqs) {
        for (int i = 1; i < seqs.size(); i++) {
            assertTrue(seqs.get(i) > seqs.get(i - 1), "seqs in order: " + seqs);
        }
    }

    private void awaitMessage(String part) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (messages.stream().noneMatch(m -> m.contains(part)) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(messages.stream().anyMatch(m -> m.contains(part)), "a log line with '" + part + "' in " + messages);
    }

    /** n failure lines, from 50 addresses (203.0.113.0-49) starting at line number {@code first}, plus noise. */
    private void append(int n, int first) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = first; i < first + n; i++) {
            sb.append("2026-11-25 10:00:00.000000 [WARNING] sofia_reg.c:1720 SIP auth failure (REGISTER) on sofia ")
                    .append("profile 'internal' for [line").append(i).append("@pbx.example.com] from ip 203.0.113.")
                    .append(i % 50).append('\n');
            sb.append("2026-11-25 10:00:00.000000 [DEBUG] nothing to see ").append(i).append('\n');
        }
        Files.writeString(log, sb, StandardOpenOption.APPEND);
    }

    /** n failure lines, each from another address (10.x.y.z from the line number). */
    private void appendDistinct(int n, int first) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = first; i < first + n; i++) {
            sb.append("2026-11-25 10:00:00.000000 [WARNING] sofia_reg.c:2531 Can't find user [").append(i)
                    .append("@pbx.example.com] from 10.").append(i >> 16 & 255).append('.').append(i >> 8 & 255)
                    .append('.').append(i & 255).append('\n');
        }
        Files.writeString(log, sb, StandardOpenOption.APPEND);
    }

    private Collector start(long spoolMax) throws IOException {
        Collector c = new Collector(new Collector.Config(new ControllerClient(receiver.uri(), "agent-token"), "fs1", log,
                new FreeswitchFilter(), dir.resolve("state"), false, spoolMax == Long.MAX_VALUE ? 64L << 20 : spoolMax),
                m -> {
                    messages.add(m);
                    System.out.println("collect: " + m);
                });
        c.start();
        collectors.add(c);
        return c;
    }
}
