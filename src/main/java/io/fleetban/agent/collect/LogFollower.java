package io.fleetban.agent.collect;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Follows one log file like {@code tail -F} and hands its complete lines to a {@link LineSink}.
 *
 * <ul>
 *   <li>Rename rotation (logrotate's {@code create}): the old file is read to its end and the new
 *       one from its start once the writer has started writing there (it may still write to the
 *       old file between the rename and its reopen).</li>
 *   <li>copytruncate: the file keeps its inode but shrinks or gets another first line; what was
 *       not read yet is read from the copy beside it (same first line), then the file from 0.</li>
 *   <li>Restart: {@link #open} finds a saved position's file by its key even after a rename, and
 *       refuses a different file with the same inode by its first line. Files rotated in and out
 *       while the follower was away are read in the order they were last written.</li>
 * </ul>
 * Appends are seen through inotify ({@link WatchService} on the directory) within milliseconds;
 * only where that is unavailable it polls every {@value #POLL_MILLIS} ms.
 */
public final class LogFollower implements Closeable {

    static final long POLL_MILLIS = 250;
    /** With inotify, look again anyway this often: a rotated file moved to another directory sends no events. */
    private static final long RECHECK_MILLIS = 2000;
    private static final int CHUNK = 64 * 1024;

    private final Path path;
    private final Path dir;
    private final String baseName;
    private final LineSink sink;
    private final Consumer<String> log;
    private final byte[] buf = new byte[CHUNK];
    private final ByteBuffer bb = ByteBuffer.wrap(buf);

    /** An unfinished line at {@code buf[0, partial)}. */
    private int partial;
    /** Inside a line longer than the buffer: such a line is dropped up to its '\n'. */
    private boolean skipping;
    private FileChannel ch;
    private LogFile file;
    /** Where the next read in {@code ch} starts. */
    private long readOffset;
    /** The open file is the one at {@code path} (not a rotated-away or copied one). */
    private boolean onPathFile;

    private WatchService watcher;
    private WatchKey watchKey;
    private volatile boolean closed;
    private volatile Thread runner;

    public LogFollower(Path path, LineSink sink, Consumer<String> log) {
        this.path = path.toAbsolutePath().normalize();
        this.dir = this.path.getParent();
        this.baseName = this.path.getFileName().toString();
        this.sink = sink;
        this.log = log;
        this.watcher = newWatcher();
    }

    /**
     * Chooses where to start: at {@code resume} if its file is still there (under the log's name
     * or a rotated one), else at the start of the log; without {@code resume} at the log's end (or
     * start with {@code fromStart}). Returns the starting position, or null while the log does not
     * exist yet (it is then read from its start once it appears).
     */
    public LogPosition open(LogPosition resume, boolean fromStart) throws IOException {
        if (resume == null) {
            if (!openAt(path, fromStart ? 0 : -1, null)) {
                log.accept("waiting for " + path + " to appear");
                return null;
            }
            return position();
        }
        LogFile want = resume.file();
        Path same = findByKey(want.key());
        if (same != null && openAt(same, resume.offset(), want)) {
            if (!same.equals(path)) {
                log.accept("resuming in " + same + " (" + path + " was rotated meanwhile), then " + path);
            }
            return position();
        }
        Path copy = findCopy(want, resume.offset(), want.key());
        if (copy != null && openAt(copy, resume.offset(), want)) {
            log.accept("resuming in " + copy + ", a copy of the file " + path + " was truncated from, then " + path);
            return position();
        }
        log.accept("the saved position (byte " + resume.offset() + " of file " + want.key() + ") is gone: reading "
                + path + " from its start");
        return openAt(path, 0, null) ? position() : null;
    }

    /** Follows the log until {@link #close()}. */
    public void run() {
        runner = Thread.currentThread();
        while (!closed) {
            try {
                if (ch == null) {
                    if (!openAt(path, 0, null)) {
                        awaitChange(POLL_MILLIS);
                    }
                } else if (readChunk() == 0 && !checkRotation()) {
                    awaitChange(onPathFile ? RECHECK_MILLIS : POLL_MILLIS);
                }
            } catch (InterruptedException | ClosedWatchServiceException | ClosedByInterruptException e) {
                break;
            } catch (IOException e) {
                if (closed) {
                    break;
                }
                log.accept("reading " + path + ": " + e + "; trying again");
                try {
                    Thread.sleep(POLL_MILLIS);
                } catch (InterruptedException ie) {
                    break;
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            if (watcher != null) {
                watcher.close();
            }
        } catch (IOException ignored) {
            // closing only wakes the follower; nothing to keep
        }
        Thread t = runner;
        if (t != null && t != Thread.currentThread()) {
            t.interrupt();
        }
        closeChannel();
    }

    /** Reads one chunk and hands on its complete lines; 0 at the end of the file. */
    int readChunk() throws IOException {
        if (partial == buf.length) {
            partial = 0; // a line longer than the buffer is no line a filter looks for
            skipping = true;
        }
        bb.limit(buf.length).position(partial);
        int n = ch.read(bb, readOffset);
        if (n <= 0) {
            return 0;
        }
        if (!headUnchanged()) {
            // Truncated and written again before we looked: what was just read is new text at an old offset.
            truncated();
            return n;
        }
        long base = readOffset - partial; // file offset of buf[0]
        readOffset += n;
        int len = partial + n;
        sink.chunk(file, System.currentTimeMillis());
        int start = 0;
        for (int i = partial; i < len; i++) {
            if (buf[i] == '\n') {
                if (skipping) {
                    skipping = false;
                } else {
                    sink.line(buf, start, i > start && buf[i - 1] == '\r' ? i - 1 : i, base + i + 1);
                }
                start = i + 1;
            }
        }
        partial = skipping ? 0 : len - start;
        System.arraycopy(buf, start, buf, 0, partial);
        sink.reached(position());
        return n;
    }

    /**
     * At the end of the open file: has it been rotated or truncated? Switches files when it has and
     * returns true; false when there is nothing to do but wait.
     */
    private boolean checkRotation() throws IOException {
        BasicFileAttributes a = stat(path);
        if (a != null && key(a).equals(file.key())) {
            onPathFile = true;
            if (a.size() < readOffset || !headUnchanged()) {
                truncated();
                return true;
            }
            return false;
        }
        onPathFile = false;
        if (a == null || a.size() == 0) {
            return false; // the writer may still be writing to the renamed file until it reopens
        }
        if (readChunk() > 0) {
            return true; // it did: read on to the end, then look again
        }
        finishLine();
        Path between = rotatedAfterOurs();
        if (between != null) {
            log.accept(path + " was rotated more than once; reading " + between + " before the new " + path);
            openAt(between, 0, null);
            return true;
        }
        log.accept(path + " was rotated; continuing with the new " + path);
        openAt(path, 0, null);
        return true;
    }

    /**
     * After the file we were on (a rotated one), the oldest sibling written to later: a file that
     * was rotated in and out while we were away (stopped over two rotations), read before the log.
     */
    private Path rotatedAfterOurs() throws IOException {
        Path ours = findByKey(file.key());
        BasicFileAttributes log = stat(path);
        if (ours == null || ours.equals(path)) {
            return null;
        }
        FileTime after = Files.getLastModifiedTime(ours);
        Path best = null;
        FileTime bestTime = null;
        try (DirectoryStream<Path> siblings = siblings()) {
            for (Path p : siblings) {
                BasicFileAttributes s = stat(p);
                if (s == null || !s.isRegularFile() || s.size() == 0 || key(s).equals(file.key())
                        || log != null && key(s).equals(key(log))) {
                    continue;
                }
                FileTime t = s.lastModifiedTime();
                if (t.compareTo(after) > 0 && (bestTime == null || t.compareTo(bestTime) < 0)) {
                    best = p;
                    bestTime = t;
                }
            }
        }
        return best;
    }

    /** False if the open file no longer starts as it did: it was truncated (and maybe written again). */
    private boolean headUnchanged() throws IOException {
        if (!file.headMatches(ch)) {
            return false;
        }
        if (!file.complete()) {
            file = LogFile.read(file.key(), ch);
        }
        return true;
    }

    /** copytruncate: the rest of what we had not read is in the copy, if logrotate left it beside the log. */
    private void truncated() throws IOException {
        long at = readOffset;
        Path copy = findCopy(file, 0, file.key());
        if (copy != null && Files.size(copy) > at && openAt(copy, at, file)) {
            log.accept(path + " was truncated; reading the rest of it from " + copy + " first");
            return;
        }
        if (copy == null) {
            log.accept(path + " was truncated at byte " + at + " and no copy of it is beside it: lines written "
                    + "just before the truncation may be missed");
        }
        finishLine();
        openAt(path, 0, null);
    }

    /** A file's last line has no '\n' and never will: hand it on as it is. */
    private void finishLine() {
        if (partial > 0 && !skipping) {
            sink.chunk(file, System.currentTimeMillis());
            sink.line(buf, 0, partial > 0 && buf[partial - 1] == '\r' ? partial - 1 : partial, readOffset);
        }
        partial = 0;
        skipping = false;
    }

    /**
     * Opens {@code p} at {@code offset} (-1: its end). With {@code want}, only if it is that file (by
     * key, or a copy by head) and long enough; the unfinished line is then kept, since the bytes
     * before {@code offset} are the same. False if it is not there or not the file wanted.
     */
    private boolean openAt(Path p, long offset, LogFile want) throws IOException {
        for (int attempt = 0; attempt < 3; attempt++) {
            BasicFileAttributes before = stat(p);
            if (before == null) {
                return false;
            }
            FileChannel c;
            try {
                c = FileChannel.open(p, StandardOpenOption.READ);
            } catch (NoSuchFileException e) {
                return false;
            }
            BasicFileAttributes after = stat(p);
            if (after == null || !Objects.equals(before.fileKey(), after.fileKey())) {
                c.close(); // renamed between the two looks: look again
                continue;
            }
            String key = key(after);
            if (want != null && !(want.headMatches(c) && c.size() >= offset)) {
                c.close();
                return false;
            }
            closeChannel();
            ch = c;
            file = LogFile.read(key, c);
            readOffset = offset < 0 ? c.size() : offset;
            onPathFile = p.equals(path);
            if (want == null) {
                partial = 0;
                skipping = false;
            }
            sink.reached(position());
            return true;
        }
        return false;
    }

    /** The log, or a rotated sibling of it, whose file key is {@code key}. */
    private Path findByKey(String key) throws IOException {
        BasicFileAttributes a = stat(path);
        if (a != null && key(a).equals(key)) {
            return path;
        }
        try (DirectoryStream<Path> siblings = siblings()) {
            for (Path p : siblings) {
                BasicFileAttributes s = stat(p);
                if (s != null && s.isRegularFile() && key(s).equals(key)) {
                    return p;
                }
            }
        }
        return null;
    }

    /** The largest sibling (not the file {@code exceptKey}) of at least {@code minSize} bytes that starts with {@code head}. */
    private Path findCopy(LogFile head, long minSize, String exceptKey) throws IOException {
        if (head.headLength() == 0) {
            return null;
        }
        Path best = null;
        long bestSize = -1;
        try (DirectoryStream<Path> siblings = siblings()) {
            for (Path p : siblings) {
                BasicFileAttributes s = stat(p);
                if (s == null || !s.isRegularFile() || key(s).equals(exceptKey) || s.size() < minSize
                        || s.size() <= bestSize) {
                    continue;
                }
                try (FileChannel c = FileChannel.open(p, StandardOpenOption.READ)) {
                    if (head.headMatches(c)) {
                        best = p;
                        bestSize = s.size();
                    }
                } catch (IOException e) {
                    // unreadable or gone: not our copy
                }
            }
        }
        return best;
    }

    /** freeswitch.log.1, freeswitch.log-20261125, …: what logrotate makes of the log, uncompressed. */
    private DirectoryStream<Path> siblings() throws IOException {
        if (dir == null || !Files.isDirectory(dir)) {
            return emptyStream();
        }
        return Files.newDirectoryStream(dir, p -> {
            String name = p.getFileName().toString();
            return name.startsWith(baseName) && !name.equals(baseName) && !isCompressed(name);
        });
    }

    private static boolean isCompressed(String name) {
        return name.endsWith(".gz") || name.endsWith(".bz2") || name.endsWith(".xz") || name.endsWith(".zst")
                || name.endsWith(".lz4") || name.endsWith(".zip");
    }

    private static DirectoryStream<Path> emptyStream() {
        return new DirectoryStream<>() {
            @Override
            public java.util.Iterator<Path> iterator() {
                return java.util.Collections.emptyIterator();
            }

            @Override
            public void close() {
            }
        };
    }

    private LogPosition position() {
        return new LogPosition(file, readOffset - partial);
    }

    private void awaitChange(long millis) throws InterruptedException {
        if (watcher == null || !registerWatch()) {
            Thread.sleep(POLL_MILLIS);
            return;
        }
        WatchKey k = watcher.poll(millis, TimeUnit.MILLISECONDS);
        while (k != null) {
            k.pollEvents(); // which file changed does not matter: the follower looks again
            if (!k.reset()) {
                watchKey = null; // the directory is gone: watch it again once it is back
            }
            k = watcher.poll();
        }
    }

    private boolean registerWatch() {
        if (watchKey != null && watchKey.isValid()) {
            return true;
        }
        try {
            watchKey = dir.register(watcher, ENTRY_CREATE, ENTRY_MODIFY, ENTRY_DELETE);
            return true;
        } catch (NoSuchFileException e) {
            return false; // the directory does not exist yet
        } catch (IOException e) {
            log.accept("cannot watch " + dir + " (" + e.getMessage() + "): polling every " + POLL_MILLIS + " ms");
            closeWatcher();
            return false;
        }
    }

    private WatchService newWatcher() {
        try {
            WatchService w = path.getFileSystem().newWatchService();
            // The JDK's own fallback where the OS has no file events polls only every few seconds.
            if (w.getClass().getName().endsWith("PollingWatchService")) {
                w.close();
                log.accept("no inotify here: polling " + path + " every " + POLL_MILLIS + " ms");
                return null;
            }
            return w;
        } catch (IOException e) {
            log.accept("inotify unavailable (" + e.getMessage() + "): polling " + path + " every " + POLL_MILLIS + " ms");
            return null;
        }
    }

    private void closeWatcher() {
        try {
            watcher.close();
        } catch (IOException ignored) {
            // only stops events we no longer wait for
        }
        watcher = null;
    }

    private void closeChannel() {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // read-only: nothing is lost by a failed close
            }
            ch = null;
        }
    }

    private static BasicFileAttributes stat(Path p) throws IOException {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static String key(BasicFileAttributes a) {
        return String.valueOf(a.fileKey());
    }
}
