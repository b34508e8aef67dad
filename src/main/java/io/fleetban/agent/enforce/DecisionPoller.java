package io.fleetban.agent.enforce;

import io.fleetban.agent.ControllerClient;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;

/**
 * Follows the controller's ban log: long-polls {@code GET /api/v1/decisions?since=CURSOR&wait=30},
 * hands each answer to the {@link Enforcer}, and asks again at once. The first answer (no cursor
 * yet) is a full resync. The cursor lives in memory only: a restarted agent starts with a full
 * resync, which is cheap and leaves nothing to get out of step.
 *
 * <p>While the controller can't be reached the firewall is left alone: the bans already in the
 * kernel stay until their timeouts, new ones wait (fail open). Polls are retried after a
 * {@link Backoff} of 1 s doubling to 30 s with jitter.
 *
 * <p>Use: {@link #start()} in its own thread (the {@code run} command), or {@link #setup()} then
 * {@link #run()} in the calling thread (the {@code enforce} command); {@link #close()} stops it.
 */
public final class DecisionPoller implements Runnable, AutoCloseable {

    static final int WAIT_SECONDS = 30;
    /** Beyond the long-poll's wait: time for the controller to answer and the bytes to arrive. */
    private static final Duration SLACK = Duration.ofSeconds(15);
    /** An empty answer quicker than this was not a long-poll. */
    private static final Duration QUICK = Duration.ofSeconds(1);

    private static final System.Logger LOG = System.getLogger(DecisionPoller.class.getName());

    private final ControllerClient client;
    private final Enforcer enforcer;
    private final Backoff backoff = new Backoff();
    private volatile boolean running = true;
    private volatile Thread thread;
    /** The last answer's cursor, once {@link #synced}. */
    private long cursor;
    /** False until the first answer, a full snapshot: the first poll does not wait. */
    private boolean synced;
    private boolean unreachable;

    public DecisionPoller(ControllerClient client, Enforcer enforcer) {
        this.client = client;
        this.enforcer = enforcer;
    }

    /** Creates the firewall's table/sets/rules if missing (keeping existing bans); fails if the firewall can't be used. */
    public void setup() throws FirewallException {
        enforcer.setup();
        LOG.log(Level.INFO, "enforcing {0}, following {1}", enforcer.firewall().describe(), client.base());
    }

    /** {@link #setup()}, then polls in a thread of its own until {@link #close()}. */
    public synchronized void start() throws FirewallException {
        setup();
        Thread t = new Thread(this, "fleetban-enforce");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        while (running) {
            try {
                poll();
            } catch (IOException e) {
                if (!running) {
                    break;
                }
                Duration wait = backoff.next();
                LOG.log(unreachable ? Level.DEBUG : Level.WARNING,
                        "controller {0}: {1}; keeping the bans in place, retrying in {2} ms",
                        client.base(), e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName(), wait.toMillis());
                unreachable = true;
                sleep(wait);
            }
            enforcer.maintain();
        }
    }

    /** One request and its answer applied. */
    void poll() throws IOException {
        long started = System.nanoTime();
        long before = cursor;
        Decisions d = fetch();
        apply(d);
        if (d.cursor() == before && d.isEmpty() && System.nanoTime() - started < QUICK.toNanos()) {
            // Nothing new, yet the controller did not hold the request (an empty log answers since=0
            // at once): pause rather than spin.
            sleep(QUICK);
        }
        if (unreachable) {
            LOG.log(Level.INFO, "controller {0} answers again", client.base());
            unreachable = false;
        }
        backoff.reset();
    }

    /** One answer, parsed; its body (megabytes for a full snapshot) is garbage before it is applied. */
    private Decisions fetch() throws IOException {
        String path = synced ? "/api/v1/decisions?since=" + cursor + "&wait=" + WAIT_SECONDS : "/api/v1/decisions?since=0";
        ControllerClient.Response r = client.get(path, Duration.ofSeconds(WAIT_SECONDS).plus(SLACK));
        if (!r.ok()) {
            String body = r.text().strip();
            throw new IOException("GET " + path + " answered HTTP " + r.status()
                    + (body.isEmpty() ? "" : ": " + (body.length() > 300 ? body.substring(0, 300) + "..." : body)));
        }
        return Decisions.parse(r.body());
    }

    /** Applies one answer; the first one, whatever it says, replaces everything. */
    void apply(Decisions d) {
        for (String r : d.rejected()) {
            LOG.log(Level.WARNING, "ignoring an entry of the controller''s answer: {0}", r);
        }
        if (d.full() || !synced) {
            enforcer.full(d.bans());
        } else if (!d.isEmpty()) {
            enforcer.delta(d.bans(), d.unbans());
        }
        cursor = d.cursor();
        synced = true;
    }

    long cursor() {
        return cursor;
    }

    private void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Stops polling; the firewall keeps its bans (they expire by their kernel timeouts). */
    @Override
    public void close() {
        running = false;
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            t.interrupt();
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
