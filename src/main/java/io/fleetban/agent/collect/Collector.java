package io.fleetban.agent.collect;

import io.fleetban.agent.ControllerClient;
import io.fleetban.core.filter.Failure;
import io.fleetban.core.filter.LineFilter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * {@code collect}: log → filter → per-(ip, kind) batches → spool → controller, on three threads
 * (reader, batcher, reporter) that share nothing unbounded.
 */
public final class Collector implements LineSink, Closeable {

    private static final long CHECKPOINT_MILLIS = 1000;

    /** What {@code collect} needs; see {@link CollectCommand} for the options. */
    public record Config(ControllerClient controller, String node, Path log, LineFilter filter, Path stateDir,
                         boolean fromStart, long spoolMaxBytes) {
    }

    private final Config config;
    private final Consumer<String> log;
    private final Aggregator aggregator = new Aggregator();
    private Spool spool;
    private LogFollower follower;
    private Reporter reporter;
    private Thread readerThread;
    private Thread batcherThread;
    private Thread reporterThread;
    private volatile boolean closed;

    // The reader thread's view of the chunk being read.
    private LogFile file;
    private long readAt;
    private volatile LogPosition readerPosition;
    /** Closing dropped a failure: the reader's position must no longer move past it (it is read again next time). */
    private volatile boolean dropped;
    private long filterErrors;

    public Collector(Config config, Consumer<String> log) {
        this.config = config;
        this.log = log;
    }

    /** Opens the spool and the log (resending what a crash left unanswered first) and starts the threads. */
    public void start() throws IOException {
        Path logPath = config.log().toAbsolutePath().normalize();
        spool = Spool.open(config.stateDir(), logPath.toString(), config.spoolMaxBytes(), log);
        follower = new LogFollower(logPath, this, log);
        LogPosition resume = spool.resumePosition();
        LogPosition start = follower.open(resume, config.fromStart());
        if (resume == null && start != null) {
            spool.checkpoint(start); // a first start at the end: lines written while we are down are not skipped
            spool.persistNow();
        }
        log.accept("following " + logPath + (start == null ? " (once it exists)" : " from byte " + start.offset())
                + " with filter " + config.filter().name() + ", reporting as " + config.node() + " to "
                + config.controller().base());
        reporter = new Reporter(config.controller(), config.node(), spool, aggregator::wake, log);
        reporterThread = thread("fleetban-reporter", reporter::run);
        batcherThread = thread("fleetban-batcher", this::batchLoop);
        readerThread = thread("fleetban-reader", follower::run);
    }

    /** Blocks until closed. */
    public void await() throws InterruptedException {
        readerThread.join();
        batcherThread.join();
        reporterThread.join();
    }

    /**
     * Stops reading and sending and saves the state. Whatever was read but not yet acknowledged
     * is read or sent again on the next start (and counted once).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        follower.close();
        aggregator.close();
        reporter.close();
        reporterThread.interrupt(); // ends a backoff; a report still unanswered is sent again next time
        try {
            readerThread.join(5000);
            batcherThread.join(5000);
            reporterThread.join(5000);
            spool.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log.accept("saving the state: " + e.getMessage());
        }
    }

    long spoolBytes() {
        return spool.bytes();
    }

    long droppedFailures() {
        return spool.droppedFailures();
    }

    // --- the reader thread ---------------------------------------------------------------------

    @Override
    public void chunk(LogFile file, long readAtMillis) {
        this.file = file;
        this.readAt = readAtMillis;
    }

    @Override
    public void line(byte[] buf, int from, int to, long end) {
        Failure f;
        try {
            f = config.filter().match(buf, from, to);
        } catch (RuntimeException e) {
            filterError(e, buf, from, to);
            return;
        }
        if (f != null && !dropped) {
            try {
                dropped = !aggregator.add(f, buf, from, to, file, end, readAt);
            } catch (InterruptedException e) {
                dropped = true;
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A filter bug must not stop the reader: the line is skipped and the first such error logged. */
    private void filterError(RuntimeException e, byte[] buf, int from, int to) {
        if (filterErrors++ == 0) {
            log.accept("ERROR: filter " + config.filter().name() + " failed on a line (" + e + "); skipping such lines: "
                    + ReportJson.sample(buf, from, to));
        }
    }

    @Override
    public void reached(LogPosition position) {
        if (!dropped) {
            readerPosition = position;
        }
    }

    // --- the batcher thread --------------------------------------------------------------------

    private void batchLoop() {
        while (!closed && !Thread.currentThread().isInterrupted()) {
            try {
                Aggregator.Batch b = aggregator.awaitBatch(spool::waiting, CHECKPOINT_MILLIS);
                if (b == null) {
                    if (!closed) {
                        spool.checkpoint(aggregator.quietPosition(() -> readerPosition));
                    }
                } else {
                    spoolBatch(b);
                }
            } catch (InterruptedException e) {
                break;
            } catch (IOException | RuntimeException e) {
                log.accept("batcher: " + e + "; trying again");
                pause();
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Spools a cut batch, retrying on a full or failing disk: the reader waits meanwhile, nothing is lost. */
    private void spoolBatch(Aggregator.Batch b) throws InterruptedException {
        byte[] json = ReportJson.events(b.events());
        for (;;) {
            try {
                spool.append(b.events().size(), b.failures(), b.end(), json);
                return;
            } catch (IOException e) {
                if (closed) {
                    return; // not spooled, so not covered: the lines are read again next time
                }
                log.accept("cannot write to the spool (" + e.getMessage() + "); trying again in 1 s");
                Thread.sleep(1000);
            }
        }
    }

    private static Thread thread(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(false);
        t.start();
        return t;
    }
}
