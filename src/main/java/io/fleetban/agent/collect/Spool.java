package io.fleetban.agent.collect;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * The agent's durable memory: every report is written here (and fsync'ed) before it is sent, so
 * a crash at any point neither loses a failure nor counts one twice: on restart the unacknowledged
 * reports are resent with their own seq (the controller drops a (node, seq) it already has) and
 * the log is read on from where the newest report ended.
 *
 * <p>Reports are framed records ({@code length, CRC-32C, header line, events}) appended to
 * segment files {@code spool/SEQ.seg}; a torn record at the end of a segment (a crash while
 * writing) is cut off on open. Segments go once all their reports are acknowledged, and the
 * oldest go unsent, counted, when the spool outgrows its bound while the controller is away.
 *
 * <p>{@code collect.state} (written atomically: temp file, fsync, rename) holds the highest
 * acknowledged seq and a log position behind which every failure is acknowledged. It is written
 * at least once a second while it changes and always before a segment is deleted, so the spool
 * and the state together never forget a seq that was used or a line that was read.
 */
final class Spool implements Closeable {

    static final String STATE_FILE = "collect.state";
    private static final int FRAME = 8;
    private static final int MAX_RECORD = 64 * 1024 * 1024;
    private static final long PERSIST_EVERY_MILLIS = 1000;
    private static final JsonFactory JSON = new JsonFactory();

    private final Path dir;
    private final Path stateFile;
    private final String log;
    private final long maxBytes;
    private final long segmentBytes;
    private final Consumer<String> logger;

    private final ArrayDeque<Segment> segments = new ArrayDeque<>();
    private FileChannel writer;
    private long bytes;
    private long nextSeq;
    private long acked;
    private LogPosition ackedPosition;
    private LogPosition newestPosition;
    private boolean logChanged;
    private Segment cursorSegment;
    private long cursorOffset;
    private Pending peeked;
    private boolean dirty;
    private long persistedAt;
    private long droppedReports;
    private long droppedFailures;
    private boolean closed;

    /** A report waiting for the controller's answer. */
    record Pending(long seq, int events, long failures, LogPosition position, byte[] eventsJson, int length) {
    }

    private static final class Segment {
        final long firstSeq;
        final Path path;
        long size;

        Segment(long firstSeq, Path path, long size) {
            this.firstSeq = firstSeq;
            this.path = path;
            this.size = size;
        }
    }

    private Spool(Path stateDir, String log, long maxBytes, Consumer<String> logger) {
        this.dir = stateDir.resolve("spool");
        this.stateFile = stateDir.resolve(STATE_FILE);
        this.log = log;
        this.maxBytes = maxBytes;
        this.segmentBytes = Math.max(4 * 1024, Math.min(4L * 1024 * 1024, maxBytes / 16));
        this.logger = logger;
    }

    /** Opens (or creates) the spool in {@code stateDir}; {@code log} is the followed log's path. */
    static Spool open(Path stateDir, String log, long maxBytes, Consumer<String> logger) throws IOException {
        Spool s = new Spool(stateDir, log, maxBytes, logger);
        s.recover();
        return s;
    }

    /** Where to read the log on from, or null for a first start (no state, or another --log). */
    synchronized LogPosition resumePosition() {
        if (logChanged) {
            return null;
        }
        return nextSeq - 1 > acked ? newestPosition : ackedPosition;
    }

    /** Writes a report durably and returns its seq. */
    synchronized long append(int events, long failures, LogPosition position, byte[] eventsJson) throws IOException {
        long seq = nextSeq;
        byte[] header = header(seq, events, failures, position);
        int payload = header.length + 1 + eventsJson.length;
        CRC32C crc = new CRC32C();
        crc.update(header);
        crc.update('\n');
        crc.update(eventsJson);
        ByteBuffer frame = ByteBuffer.allocate(FRAME).putInt(payload).putInt((int) crc.getValue()).flip();
        ByteBuffer[] parts = {frame, ByteBuffer.wrap(header), ByteBuffer.wrap(new byte[] {'\n'}),
                ByteBuffer.wrap(eventsJson)};
        long want = FRAME + payload;
        if (segments.getLast().size > 0 && segments.getLast().size + want > segmentBytes) {
            roll();
        }
        Segment w = segments.getLast();
        writer.position(w.size);
        long written = 0;
        while (written < want) {
            written += writer.write(parts);
        }
        writer.force(false);
        w.size += want;
        bytes += want;
        nextSeq = seq + 1;
        newestPosition = position;
        dropOverflow();
        notifyAll();
        return seq;
    }

    /** The oldest report not yet acknowledged, waiting up to {@code millis} for one; null if none. */
    synchronized Pending next(long millis) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        Pending p;
        while ((p = peek()) == null && !closed) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return null;
            }
            wait(left);
        }
        return p;
    }

    /** The controller took report {@code seq} (or refused it for good): it is never sent again. */
    synchronized void acknowledge(long seq) throws IOException {
        if (seq <= acked) {
            return; // dropped meanwhile for room
        }
        Pending p = peek();
        if (p == null || p.seq() != seq) {
            throw new IllegalStateException("acknowledged seq " + seq + " but the oldest report is "
                    + (p == null ? "none" : p.seq()));
        }
        cursorOffset += p.length();
        peeked = null;
        acked = seq;
        ackedPosition = p.position();
        dirty = true;
        deleteDelivered();
        persistIfDue();
    }

    /** Nothing written is waiting for the controller. */
    synchronized boolean idle() {
        return acked >= nextSeq - 1;
    }

    /**
     * The reader is at {@code position} with no failure held back: when nothing is waiting for the
     * controller either, a restart can start there (and need not read those lines again).
     */
    synchronized void checkpoint(LogPosition position) throws IOException {
        if (position != null && idle() && !position.equals(ackedPosition)) {
            ackedPosition = position;
            logChanged = false;
            dirty = true;
        }
        persistIfDue();
    }

    synchronized void persistNow() throws IOException {
        persist();
    }

    synchronized long droppedReports() {
        return droppedReports;
    }

    synchronized long droppedFailures() {
        return droppedFailures;
    }

    synchronized long waiting() {
        return nextSeq - 1 - acked;
    }

    synchronized long bytes() {
        return bytes;
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        notifyAll();
        try {
            persist();
        } finally {
            writer.close();
        }
    }

    // --- records -------------------------------------------------------------------------------

    private Pending peek() throws IOException {
        if (peeked != null) {
            return peeked;
        }
        while (cursorOffset >= cursorSegment.size) {
            if (cursorSegment == segments.getLast()) {
                return null;
            }
            cursorSegment = following(cursorSegment);
            cursorOffset = 0;
        }
        try (FileChannel c = FileChannel.open(cursorSegment.path, StandardOpenOption.READ)) {
            peeked = read(c, cursorOffset, cursorSegment.size);
        }
        if (peeked == null) {
            throw new IOException(cursorSegment.path + ": unreadable report at byte " + cursorOffset);
        }
        return peeked;
    }

    /** The record at {@code offset}, or null if it is torn or corrupt. */
    private static Pending read(FileChannel c, long offset, long size) throws IOException {
        if (size - offset < FRAME) {
            return null;
        }
        ByteBuffer frame = ByteBuffer.allocate(FRAME);
        readFully(c, frame, offset);
        int payload = frame.getInt(0);
        int crc = frame.getInt(4);
        if (payload <= 0 || payload > MAX_RECORD || size - offset - FRAME < payload) {
            return null;
        }
        byte[] b = new byte[payload];
        readFully(c, ByteBuffer.wrap(b), offset + FRAME);
        CRC32C check = new CRC32C();
        check.update(b);
        if ((int) check.getValue() != crc) {
            return null;
        }
        int nl = 0;
        while (nl < b.length && b[nl] != '\n') {
            nl++;
        }
        if (nl == b.length) {
            return null;
        }
        Header h = parseHeader(b, nl);
        byte[] events = new byte[b.length - nl - 1];
        System.arraycopy(b, nl + 1, events, 0, events.length);
        return new Pending(h.seq, h.events, h.failures, h.position, events, FRAME + payload);
    }

    private static void readFully(FileChannel c, ByteBuffer b, long at) throws IOException {
        while (b.hasRemaining()) {
            if (c.read(b, at + b.position()) < 0) {
                throw new IOException("unexpected end of spool segment");
            }
        }
    }

    // --- segments ------------------------------------------------------------------------------

    private void roll() throws IOException {
        writer.close();
        Segment s = new Segment(nextSeq, dir.resolve(segmentName(nextSeq)), 0);
        writer = FileChannel.open(s.path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        segments.addLast(s);
        syncDirectory(dir);
    }

    private Segment following(Segment s) {
        boolean next = false;
        for (Segment x : segments) {
            if (next) {
                return x;
            }
            next = x == s;
        }
        throw new IllegalStateException("segment " + s.path + " is not in the spool");
    }

    /** Deletes the segments whose reports are all acknowledged; the state covers them first. */
    private void deleteDelivered() throws IOException {
        Segment last = segments.getLast();
        if (last.size >= segmentBytes / 4 && cursorSegment == last && cursorOffset >= last.size) {
            // All delivered: a fresh segment lets this one go, which is what frees a full disk. Not
            // for a small segment: an idle agent acknowledges every report, and each roll costs a
            // new file, a state write and their fsyncs for a few kilobytes of disk.
            roll();
            cursorSegment = segments.getLast();
            cursorOffset = 0;
        }
        while (segments.size() > 1 && segments.getFirst() != cursorSegment) {
            persist();
            Segment gone = segments.removeFirst();
            bytes -= gone.size;
            Files.deleteIfExists(gone.path);
        }
    }

    /**
     * Over the bound: the oldest segment's unsent reports are given up, with a count in the log.
     * The last segment, which holds the newest report, always stays.
     */
    private void dropOverflow() throws IOException {
        while (bytes > maxBytes && segments.size() > 1) {
            Segment oldest = segments.getFirst();
            long reports = 0;
            long failures = 0;
            long firstSeq = -1;
            long offset = oldest == cursorSegment ? cursorOffset : oldest.size;
            try (FileChannel c = FileChannel.open(oldest.path, StandardOpenOption.READ)) {
                Pending p;
                while (offset < oldest.size && (p = read(c, offset, oldest.size)) != null) {
                    if (firstSeq < 0) {
                        firstSeq = p.seq();
                    }
                    reports++;
                    failures += p.failures();
                    acked = Math.max(acked, p.seq());
                    ackedPosition = p.position();
                    offset += p.length();
                }
            }
            droppedReports += reports;
            droppedFailures += failures;
            if (reports > 0) {
                logger.accept("WARNING: spool over " + maxBytes + " bytes while the controller is unreachable: dropped "
                        + reports + " reports (" + failures + " failures, seq " + firstSeq + ".." + acked + "); dropped so far: "
                        + droppedReports + " reports, " + droppedFailures + " failures");
            }
            if (oldest == cursorSegment) {
                cursorSegment = following(oldest);
                cursorOffset = 0;
                peeked = null;
            }
            persist();
            segments.removeFirst();
            bytes -= oldest.size;
            Files.deleteIfExists(oldest.path);
        }
    }

    private void recover() throws IOException {
        Files.createDirectories(dir);
        boolean fresh = readState();
        List<Segment> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.seg")) {
            for (Path p : files) {
                String name = p.getFileName().toString();
                try {
                    found.add(new Segment(Long.parseLong(name.substring(0, name.length() - 4)), p, Files.size(p)));
                } catch (NumberFormatException e) {
                    logger.accept("ignoring " + p + ": not a spool segment");
                }
            }
        }
        found.sort(Comparator.comparingLong(s -> s.firstSeq));
        long maxSeq = 0;
        for (Segment s : found) {
            long offset = 0;
            long lastSeq = -1;
            try (FileChannel c = FileChannel.open(s.path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                Pending p;
                while (offset < s.size && (p = read(c, offset, s.size)) != null) {
                    if (p.seq() > acked && cursorSegment == null) {
                        cursorSegment = s;
                        cursorOffset = offset;
                    }
                    lastSeq = p.seq();
                    if (p.seq() > maxSeq) {
                        maxSeq = p.seq();
                        newestPosition = p.position();
                    }
                    offset += p.length();
                }
                if (offset < s.size) {
                    logger.accept(s.path + ": cutting off " + (s.size - offset) + " bytes of a report torn by a crash");
                    c.truncate(offset);
                    c.force(true);
                    s.size = offset;
                }
            }
            if (lastSeq < 0 || lastSeq <= acked) {
                Files.delete(s.path); // empty, or everything in it was delivered
            } else {
                segments.addLast(s);
                bytes += s.size;
            }
        }
        fresh &= segments.isEmpty();
        // A lost state directory must not make us reuse seqs the controller has seen (it would drop
        // those reports as duplicates): a fresh start counts from the clock, in microseconds.
        if (fresh) {
            acked = System.currentTimeMillis() * 1000;
        }
        nextSeq = Math.max(acked, maxSeq) + 1;
        Segment w = new Segment(nextSeq, dir.resolve(segmentName(nextSeq)), 0);
        writer = FileChannel.open(w.path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        segments.addLast(w);
        syncDirectory(dir);
        if (cursorSegment == null) {
            cursorSegment = w;
            cursorOffset = 0;
        }
        if (waiting() > 0) {
            logger.accept("spool: " + waiting() + " reports from before the restart to deliver first (seq " + (acked + 1)
                    + ".." + (nextSeq - 1) + ")");
        }
    }

    private static String segmentName(long firstSeq) {
        return String.format("%020d.seg", firstSeq);
    }

    // --- the state file ------------------------------------------------------------------------

    private void persistIfDue() throws IOException {
        if (dirty && System.currentTimeMillis() - persistedAt >= PERSIST_EVERY_MILLIS) {
            persist();
        }
    }

    private void persist() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("log", log);
            g.writeNumberField("acked", acked);
            writePosition(g, logChanged ? null : ackedPosition);
            g.writeEndObject();
        }
        out.write('\n');
        Path tmp = stateFile.resolveSibling(STATE_FILE + ".tmp");
        try {
            write(tmp, out.toByteArray(), StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
            Files.move(tmp, stateFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(stateFile.getParent());
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left") || !Files.exists(stateFile)) {
                throw e;
            }
            // A full disk (the spool's own segments, often): the new state goes over the old one, in
            // blocks the file already has, so the delivered segments can be deleted and free the disk.
            Files.deleteIfExists(tmp);
            byte[] b = out.toByteArray();
            int old = (int) Math.min(Files.size(stateFile), 4096);
            if (b.length < old) {
                byte[] padded = Arrays.copyOf(b, old);
                Arrays.fill(padded, b.length, old, (byte) ' ');
                b = padded;
            }
            write(stateFile, b);
        }
        dirty = false;
        persistedAt = System.currentTimeMillis();
    }

    private static void write(Path file, byte[] content, StandardOpenOption... options) throws IOException {
        Set<StandardOpenOption> open = EnumSet.of(StandardOpenOption.WRITE);
        open.addAll(List.of(options));
        try (FileChannel c = FileChannel.open(file, open)) {
            ByteBuffer b = ByteBuffer.wrap(content);
            while (b.hasRemaining()) {
                c.write(b, b.position());
            }
            c.force(true);
        }
    }

    /** Reads collect.state; true if there was none. */
    private boolean readState() throws IOException {
        byte[] b;
        try {
            b = Files.readAllBytes(stateFile);
        } catch (NoSuchFileException e) {
            return true;
        }
        String savedLog = null;
        try (JsonParser p = JSON.createParser(b)) {
            expect(p.nextToken() == JsonToken.START_OBJECT);
            PositionFields pos = new PositionFields();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                p.nextToken();
                switch (f) {
                    case "log" -> savedLog = p.getText();
                    case "acked" -> acked = p.getLongValue();
                    default -> pos.read(f, p);
                }
            }
            ackedPosition = pos.position();
        } catch (IOException | RuntimeException e) {
            throw new IOException(stateFile + " is damaged (" + e.getMessage() + "); move it away to start afresh "
                    + "(the log is then read from its end)", e);
        }
        if (!log.equals(savedLog)) {
            logger.accept("the state in " + stateFile + " was for " + savedLog + ", not " + log + ": starting at the end of "
                    + log);
            logChanged = true;
        }
        return false;
    }

    private static void expect(boolean ok) throws IOException {
        if (!ok) {
            throw new IOException("not a JSON object");
        }
    }

    private record Header(long seq, int events, long failures, LogPosition position) {
    }

    private static byte[] header(long seq, int events, long failures, LogPosition position) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(160);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("seq", seq);
            g.writeNumberField("events", events);
            g.writeNumberField("failures", failures);
            writePosition(g, position);
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    private static Header parseHeader(byte[] b, int len) throws IOException {
        long seq = -1;
        int events = 0;
        long failures = 0;
        PositionFields pos = new PositionFields();
        try (JsonParser p = JSON.createParser(b, 0, len)) {
            expect(p.nextToken() == JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                p.nextToken();
                switch (f) {
                    case "seq" -> seq = p.getLongValue();
                    case "events" -> events = p.getIntValue();
                    case "failures" -> failures = p.getLongValue();
                    default -> pos.read(f, p);
                }
            }
        }
        if (seq < 0) {
            throw new IOException("spool record without a seq");
        }
        return new Header(seq, events, failures, pos.position());
    }

    private static void writePosition(JsonGenerator g, LogPosition position) throws IOException {
        if (position == null) {
            return;
        }
        g.writeStringField("file", position.file().key());
        g.writeNumberField("headLength", position.file().headLength());
        g.writeStringField("head", position.file().headHash());
        g.writeNumberField("offset", position.offset());
    }

    /** The position fields of the state file and of record headers. */
    private static final class PositionFields {
        String key;
        int headLength;
        String head;
        long offset = -1;

        void read(String field, JsonParser p) throws IOException {
            switch (field) {
                case "file" -> key = p.getText();
                case "headLength" -> headLength = p.getIntValue();
                case "head" -> head = p.getText();
                case "offset" -> offset = p.getLongValue();
                default -> p.skipChildren();
            }
        }

        LogPosition position() {
            return key == null || head == null || offset < 0 ? null
                    : new LogPosition(new LogFile(key, headLength, head, false), offset);
        }
    }

    private static void syncDirectory(Path d) {
        try (FileChannel c = FileChannel.open(d, StandardOpenOption.READ)) {
            c.force(true);
        } catch (IOException e) {
            // not every file system can sync a directory; the rename itself is still atomic
        }
    }
}
