package io.fleetban.agent.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {

    @TempDir
    Path dir;

    private final List<String> messages = new ArrayList<>();

    @Test
    void aFreshSpoolCountsSeqsFromTheClockSoALostStateDirectoryReusesNone() throws Exception {
        long before = System.currentTimeMillis() * 1000;
        try (Spool s = open()) {
            long seq = s.append(1, 1, at(10), events("a"));
            assertTrue(seq > before, "seq " + seq + " after " + before);
            assertFalse(s.idle());
        }
    }

    @Test
    void unansweredReportsComeBackAfterARestartWithTheirSeqs() throws Exception {
        long first;
        try (Spool s = open()) {
            first = s.append(1, 1, at(10), events("a"));
            s.append(1, 1, at(20), events("b"));
            s.append(1, 1, at(30), events("c"));
            s.acknowledge(s.next(0).seq());
        }
        try (Spool s = open()) {
            assertEquals(at(30), s.resumePosition(), "read on after the newest spooled report");
            Spool.Pending p = s.next(0);
            assertEquals(first + 1, p.seq());
            assertEquals("[\"b\"]", new String(p.eventsJson(), StandardCharsets.UTF_8));
            s.acknowledge(p.seq());
            assertEquals(first + 2, s.next(0).seq());
            s.acknowledge(first + 2);
            assertNull(s.next(0));
            assertEquals(first + 3, s.append(1, 1, at(40), events("d")), "seqs go on");
        }
    }

    @Test
    void whenEverythingIsAnsweredARestartReadsOnFromTheCheckpoint() throws Exception {
        try (Spool s = open()) {
            s.append(1, 1, at(10), events("a"));
            s.acknowledge(s.next(0).seq());
            s.checkpoint(at(500)); // the reader moved on past lines without failures
        }
        try (Spool s = open()) {
            assertEquals(at(500), s.resumePosition());
        }
    }

    @Test
    void aReportTornByACrashIsCutOff() throws Exception {
        long seq;
        try (Spool s = open()) {
            seq = s.append(1, 1, at(10), events("a"));
            s.append(1, 1, at(20), events("b"));
        }
        Path segment;
        try (Stream<Path> files = Files.list(dir.resolve("spool"))) {
            segment = files.filter(p -> p.toString().endsWith(".seg")).sorted().findFirst().orElseThrow();
        }
        try (FileChannel c = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            c.truncate(c.size() - 3);
        }
        try (Spool s = open()) {
            assertTrue(messages.stream().anyMatch(m -> m.contains("torn")), messages.toString());
            assertEquals(seq, s.next(0).seq());
            s.acknowledge(seq);
            assertNull(s.next(0), "the torn report is gone");
            assertEquals(at(10), s.resumePosition(), "so its lines are read again");
            assertEquals(seq + 1, s.append(1, 1, at(20), events("b")), "and its seq, never sent, is used again");
        }
    }

    @Test
    void overTheBoundTheOldestReportsAreDroppedAndCounted() throws Exception {
        byte[] big = events("x".repeat(3000));
        try (Spool s = Spool.open(dir, "/var/log/fs.log", 16 * 1024, messages::add)) {
            for (int i = 0; i < 20; i++) {
                s.append(1, 7, at(i), big);
                assertTrue(s.bytes() <= 16 * 1024, "within the bound");
            }
            assertTrue(s.droppedReports() > 0);
            assertEquals(7 * s.droppedReports(), s.droppedFailures());
            assertEquals(20 - s.droppedReports(), s.waiting());
            assertTrue(messages.stream().anyMatch(m -> m.contains("dropped")), messages.toString());
        }
    }

    @Test
    void anotherLogStartsAtItsEnd() throws Exception {
        try (Spool s = open()) {
            s.checkpoint(at(10));
            s.persistNow();
        }
        try (Spool s = Spool.open(dir, "/var/log/other.log", 1 << 20, messages::add)) {
            assertNull(s.resumePosition());
        }
    }

    private Spool open() throws IOException {
        return Spool.open(dir, "/var/log/fs.log", 1 << 20, messages::add);
    }

    private static LogPosition at(long offset) {
        return new LogPosition(new LogFile("(dev=1,ino=2)", 5, "abcdef", false), offset);
    }

    private static byte[] events(String s) {
        return ("[\"" + s + "\"]").getBytes(StandardCharsets.UTF_8);
    }
}
