package io.fleetban.agent.collect;

import io.fleetban.core.failure.FailureKind;
import io.fleetban.core.filter.Failure;
import io.fleetban.core.net.IpAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Failures waiting to become the next report, counted per (ip, kind). A batch is cut as soon as
 * nothing is waiting for the controller (an idle agent reports a failure at once), else when it
 * holds {@value #MAX_EVENTS} events or is old enough (see {@link #awaitBatch}); while it is full
 * the reader waits, so memory stays bounded. The batch also knows where in the log its last failure
 * ended: that is where a restart reads on once the batch is spooled.
 */
final class Aggregator {

    static final int MAX_EVENTS = 1000;
    static final long MAX_AGE_MILLIS = 100;
    static final long BACKLOG_AGE_MILLIS = 10_000;
    /** The controller's bound for one event's count. */
    static final int MAX_COUNT = 1_000_000;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Condition room = lock.newCondition();
    private final Map<FailureKind, HashMap<IpAddress, Event>> byKind = new EnumMap<>(FailureKind.class);
    private List<Event> events = new ArrayList<>();
    private LogFile file;
    private long end;
    private long firstAddedNanos;
    private boolean full;
    private boolean closed;

    /** One report's worth of events and where in the log the last of them ended. */
    record Batch(List<Event> events, LogPosition end) {

        long failures() {
            long n = 0;
            for (Event e : events) {
                n += e.count;
            }
            return n;
        }
    }

    Aggregator() {
        for (FailureKind k : FailureKind.values()) {
            byKind.put(k, new HashMap<>());
        }
    }

    /**
     * Counts a failure read in {@code line[from, to)}, which ends at byte {@code end} of
     * {@code file}; waits while the batch is full. False once closed.
     */
    boolean add(Failure f, byte[] line, int from, int to, LogFile file, long end, long readAtMillis)
            throws InterruptedException {
        lock.lock();
        try {
            HashMap<IpAddress, Event> ofKind = byKind.get(f.kind());
            for (;;) {
                if (closed) {
                    return false;
                }
                Event e = ofKind.get(f.ip());
                if (e != null && e.count < MAX_COUNT) {
                    e.count++;
                    e.lastMillis = readAtMillis;
                    break;
                }
                if (e == null && events.size() < MAX_EVENTS) {
                    e = new Event(f.ip(), f.kind(), ReportJson.sample(line, from, to), readAtMillis);
                    ofKind.put(f.ip(), e);
                    events.add(e);
                    if (events.size() == 1) {
                        firstAddedNanos = System.nanoTime();
                        changed.signal();
                    }
                    break;
                }
                full = true;
                changed.signal();
                room.await();
            }
            this.file = file;
            this.end = end;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until a batch is due and cuts it; null if none came within {@code millis} (or on
     * close). {@code waiting} tells how many reports are spooled and not yet answered: with none
     * the batch goes at once; with one in flight it goes after {@value #MAX_AGE_MILLIS} ms; with
     * more (a slow or absent controller) it keeps counting for up to {@value #BACKLOG_AGE_MILLIS}
     * ms, so the backlog can't grow by ten reports a second.
     */
    Batch awaitBatch(LongSupplier waiting, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        lock.lock();
        try {
            for (;;) {
                if (closed) {
                    return null;
                }
                long now = System.nanoTime();
                if (!events.isEmpty()) {
                    long w = waiting.getAsLong();
                    long due = TimeUnit.MILLISECONDS.toNanos(w <= 1 ? MAX_AGE_MILLIS : BACKLOG_AGE_MILLIS);
                    long age = now - firstAddedNanos;
                    if (full || w == 0 || age >= due) {
                        return cut();
                    }
                    changed.awaitNanos(due - age);
                } else {
                    if (now >= deadline) {
                        return null;
                    }
                    changed.awaitNanos(deadline - now);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The reader's position, if no failure is held here: every failure before it has then been
     * handed on (the reader adds a line's failure before it moves past the line).
     */
    LogPosition quietPosition(Supplier<LogPosition> reader) {
        lock.lock();
        try {
            return events.isEmpty() ? reader.get() : null;
        } finally {
            lock.unlock();
        }
    }

    /** The previous report was answered: a waiting batch may go now. */
    void wake() {
        lock.lock();
        try {
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
            room.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private Batch cut() {
        Batch b = new Batch(events, new LogPosition(file, end));
        events = new ArrayList<>();
        for (HashMap<IpAddress, Event> m : byKind.values()) {
            m.clear();
        }
        full = false;
        room.signalAll();
        return b;
    }
}
