package io.fleetban.agent.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogFollowerTest {

    @TempDir
    Path dir;

    private final List<Running> running = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (Running r : running) {
            r.stop();
        }
    }

    @Test
    void startsAtTheEndAndSeesAppends() throws Exception {
        Path log = dir.resolve("fs.log");
        Files.writeString(log, "old 1\nold 2\n");
        Running r = follow(log, null, false);
        append(log, "new 1\nnew 2\n");
        r.sink.await(2);
        assertEquals(List.of("new 1", "new 2"), r.sink.lines);
    }

    @Test
    void fromStartReadsWhatIsThere() throws Exception {
        Path log = dir.resolve("fs.log");
        Files.writeString(log, "old 1\r\nold 2\n");
        Running r = follow(log, null, true);
        r.sink.await(2);
        assertEquals(List.of("old 1", "old 2"), r.sink.lines);
    }

    @Test
    void keepsAPartialLineUntilItIsComplete() throws Exception {
        Path log = dir.resolve("fs.log");
        Files.writeString(log, "");
        Running r = follow(log, null, false);
        append(log, "first half");
        Thread.sleep(300);
        assertEquals(List.of(), r.sink.lines);
        assertEquals(0, r.sink.position.offset(), "a partial line is not consumed");
        append(log, " and the rest\nnext\n");
        r.sink.await(2);
        assertEquals(List.of("first half and the rest", "next"), r.sink.lines);
    }

    @Test
    void waitsForAFileThatDoesNotExistYet() throws Exception {
        Path log = dir.resolve("later/fs.log");
        Running r = follow(log, null, false);
        Files.createDirectories(log.getParent());
        Files.writeString(log, "hello\n");
        r.sink.await(1);
        assertEquals(List.of("hello"), r.sink.lines);
    }

    @RepeatedTest(10) // the rotation falls at a different point of the stream each time
    void renameRotationDuringAStreamLosesAndRepeatsNothing() throws Exception {
        Path log = dir.resolve("fs.log");
        Writer w = new Writer(log);
        Running r = follow(log, null, false);
        for (int round = 0; round < 5; round++) {
            w.stream(400);
            r.sink.awaitPast(w.lastRotation);
            w.renameRotation(50); // 50 lines still go to the renamed file before the writer reopens
        }
        w.stream(400);
        r.sink.await(w.written);
        assertExactlyOnce(w.written, r.sink.lines);
    }

    @RepeatedTest(10) // the rotation falls at a different point of the stream each time
    void copytruncateDuringAStreamLosesAndRepeatsNothing() throws Exception {
        Path log = dir.resolve("fs.log");
        Writer w = new Writer(log);
        Running r = follow(log, null, false);
        for (int round = 0; round < 5; round++) {
            w.stream(400);
            r.sink.awaitPast(w.lastRotation);
            w.copytruncate();
        }
        w.stream(400);
        r.sink.await(w.written);
        assertExactlyOnce(w.written, r.sink.lines);
    }

    @Test
    void copytruncateReadsWhatItMissedFromTheCopy() throws Exception {
        Path log = dir.resolve("fs.log");
        Writer w = new Writer(log);
        w.write(10);
        Running r = follow(log, null, true);
        r.sink.await(10);
        r.stop(); // the follower is away while lines arrive and the log is truncated
        LogPosition saved = r.sink.position;
        w.write(10);
        w.copytruncate();
        w.write(10);
        Running again = follow(log, saved, false);
        again.sink.await(20);
        assertEquals(lines(10, 30), again.sink.lines);
    }

    @Test
    void restartResumesExactlyWhereItStopped() throws Exception {
        Path log = dir.resolve("fs.log");
        Writer w = new Writer(log);
        w.write(10);
        Running r = follow(log, null, true);
        r.sink.await(10);
        r.stop();
        w.write(5);
        w.raw("line 15 ");
        Running again = follow(log, r.sink.position, false);
        w.raw("continued\n");
        again.sink.await(6);
        List<String> expected = lines(10, 15);
        expected.add("line 15 continued");
        assertEquals(expected, again.sink.lines);
    }

    @Test
    void restartAfterARenameRotationFinishesTheOldFileFirst() throws Exception {
        Path log = dir.resolve("fs.log");
        Writer w = new Writer(log);
        w.write(10);
        Running r = follow(log, null, true);
        r.sink.await(10);
        r.stop();
        w.write(5);
        w.renameRotation(5);
        w.write(5);
        Running again = follow(log, r.sink.position, false);
        again.sink.await(15);
        assertEquals(lines(10, 25), again.sink.lines);
    }

    @Test
    void restartAfterTwoRotationsReadsEveryFileInOrder() throws Exception {
        Path log = dir.resolve("fs.log");
        Writer w = new Writer(log);
        w.write(10);
        Running r = follow(log, null, true);
        r.sink.await(10);
        r.stop();
        w.write(5);
        Thread.sleep(20); // rotations are far apart: each file was written last at another time
        w.renameRotation(5);
        w.write(5);
        Thread.sleep(20);
        w.copytruncate();
        w.write(5);
        Running again = follow(log, r.sink.position, false);
        again.sink.await(20);
        assertEquals(lines(10, 30), again.sink.lines);
    }

    @Test
    void aReplacedFileIsReadFromTheStart() throws Exception {
        Path log = dir.resolve("fs.log");
        Files.writeString(log, "a first line\nsecond\n");
        Running r = follow(log, null, true);
        r.sink.await(2);
        r.stop();
        // Same inode, new content longer than the saved offset: only the first line tells.
        try (FileChannel c = FileChannel.open(log, StandardOpenOption.WRITE)) {
            c.truncate(0);
            c.write(StandardCharsets.UTF_8.encode("another first line\nmore\nand more\n"));
        }
        Running again = follow(log, r.sink.position, false);
        again.sink.await(3);
        assertEquals(List.of("another first line", "more", "and more"), again.sink.lines);
    }

    @Test
    void aDeletedAndRecreatedFileIsReadFromTheStart() throws Exception {
        Path log = dir.resolve("fs.log");
        Files.writeString(log, "one\ntwo\n");
        Running r = follow(log, null, true);
        r.sink.await(2);
        Files.delete(log);
        Files.writeString(log, "three\nfour\n");
        r.sink.await(4);
        assertEquals(List.of("one", "two", "three", "four"), r.sink.lines);
    }

    private static void assertExactlyOnce(int n, List<String> seen) {
        assertEquals(n, seen.size(), "lines seen");
        assertEquals(lines(0, n), seen, "every line once, in order");
    }

    private static List<String> lines(int from, int to) {
        List<String> l = new ArrayList<>();
        for (int i = from; i < to; i++) {
            l.add("line " + i);
        }
        return l;
    }

    private static void append(Path log, String text) throws IOException {
        Files.writeString(log, text, StandardOpenOption.APPEND);
    }

    private Running follow(Path log, LogPosition resume, boolean fromStart) throws IOException {
        Recorder sink = new Recorder();
        Consumer<String> logger = m -> System.out.println("follower: " + m);
        LogFollower f = new LogFollower(log, sink, logger);
        LogPosition start = f.open(resume, fromStart);
        if (start != null) {
            sink.position = start;
        }
        Thread t = new Thread(f::run, "follower");
        t.start();
        Running r = new Running(f, t, sink);
        running.add(r);
        return r;
    }

    private record Running(LogFollower follower, Thread thread, Recorder sink) {
        void stop() throws InterruptedException {
            follower.close();
            thread.join(10_000);
        }
    }

    /** What a sink got: the lines, and the position after the last one. */
    static final class Recorder implements LineSink {
        final List<String> lines = new CopyOnWriteArrayList<>();
        volatile LogPosition position;

        @Override
        public void chunk(LogFile file, long readAtMillis) {
        }

        @Override
        public void line(byte[] buf, int from, int to, long end) {
            lines.add(new String(buf, from, to - from, StandardCharsets.UTF_8));
        }

        @Override
        public void reached(LogPosition p) {
            position = p;
        }

        void await(int n) throws InterruptedException {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (lines.size() < n && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(lines.size() >= n, "saw " + lines.size() + " of " + n + " lines");
            Thread.sleep(100); // anything more would be a line seen twice
        }

        /**
         * Until a line written after the last rotation was seen, i.e. the follower is on the
         * current file. Rotations are hours apart; tail -F too would miss a file rotated in and out
         * again before it looked.
         */
        void awaitPast(int linesBeforeRotation) throws InterruptedException {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (lines.size() <= linesBeforeRotation && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
        }
    }

    /**
     * A log writer like FreeSWITCH's: appends whole lines through its own open file, and keeps
     * writing to a renamed file until it is told to reopen.
     */
    static final class Writer {
        final Path log;
        final IntFunction<String> text;
        OutputStream out;
        int written;
        /** The first line written to the file the last rotation started. */
        int lastRotation;

        Writer(Path log) throws IOException {
            this(log, i -> "line " + i);
        }

        /** @param text the text of line i */
        Writer(Path log, IntFunction<String> text) throws IOException {
            this.log = log;
            this.text = text;
            this.out = new FileOutputStream(log.toFile(), true);
        }

        void write(int n) throws IOException {
            for (int i = 0; i < n; i++) {
                out.write((text.apply(written++) + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }

        /**
         * n lines in bursts of 20, about a millisecond apart, so rotations fall while the follower
         * is reading (but not several rotations within one of its reads, which no tail -F survives).
         */
        void stream(int n) throws IOException, InterruptedException {
            for (int i = 0; i < n; i += 20) {
                write(Math.min(20, n - i));
                Thread.sleep(1);
            }
        }

        void raw(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }

        /** Like logrotate: the previous .1 becomes .2; returns the free .1. */
        Path shift() throws IOException {
            Path one = log.resolveSibling(log.getFileName() + ".1");
            if (Files.exists(one)) {
                Files.move(one, log.resolveSibling(log.getFileName() + ".2"), StandardCopyOption.REPLACE_EXISTING);
            }
            return one;
        }

        /** logrotate's create: rename, create an empty log, and the writer reopens a little later. */
        void renameRotation(int linesBeforeReopen) throws IOException {
            Path old = shift();
            Files.move(log, old);
            Files.createFile(log);
            write(linesBeforeReopen);
            lastRotation = written;
            out.close();
            out = new FileOutputStream(log.toFile(), true);
        }

        /** logrotate's copytruncate, with the writer held still meanwhile so logrotate itself loses nothing. */
        void copytruncate() throws IOException {
            lastRotation = written;
            Files.copy(log, shift());
            try (FileChannel c = FileChannel.open(log, StandardOpenOption.WRITE)) {
                c.truncate(0);
            }
        }
    }
}
