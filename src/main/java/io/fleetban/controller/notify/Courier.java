package io.fleetban.controller.notify;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Delivers one channel's messages on a thread of its own, retrying with exponential backoff, so a
 * slow SMTP server never holds up a webhook (nor anything else). Its queue is bounded; a message
 * that finds it full is dropped and counted.
 */
final class Courier implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Courier.class);
    static final int QUEUE = 100;
    private static final Duration LONGEST_WAIT = Duration.ofMinutes(5);

    private final Channel channel;
    private final int maxAttempts;
    private final Duration backoff;
    private final MeterRegistry metrics;
    private final ThreadPoolExecutor executor;

    Courier(Channel channel, int maxAttempts, Duration backoff, MeterRegistry metrics) {
        this.channel = channel;
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
        this.metrics = metrics;
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "fleetban-notify-" + channel.name());
            t.setDaemon(true);
            return t;
        }, (r, e) -> {
            count("dropped");
            LOG.warnf("notification queue of %s is full; a message was dropped", channel.name());
        });
    }

    String name() {
        return channel.name();
    }

    void submit(Message m) {
        executor.execute(() -> deliver(m));
    }

    private void deliver(Message m) {
        for (int attempt = 1; ; attempt++) {
            try {
                channel.send(m);
                count("sent");
                return;
            } catch (DeliveryException e) {
                if (!e.retryable() || attempt >= maxAttempts) {
                    count("failed");
                    LOG.errorf("%s: gave up on message %s after %d attempt(s): %s", channel.name(), m.id(), attempt,
                            e.getMessage());
                    return;
                }
                Duration wait = e.retryAfter() != null ? min(e.retryAfter(), LONGEST_WAIT) : wait(attempt);
                LOG.warnf("%s: attempt %d for message %s failed (%s); retrying in %d ms", channel.name(), attempt,
                        m.id(), e.getMessage(), wait.toMillis());
                try {
                    Thread.sleep(wait.toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return; // shutting down
                }
            } catch (RuntimeException e) {
                count("failed");
                LOG.errorf(e, "%s: message %s failed", channel.name(), m.id());
                return;
            }
        }
    }

    /** backoff × 2^(attempt-1), at most five minutes, less up to a fifth at random so receivers aren't hit in step. */
    Duration wait(int attempt) {
        long ms = backoff.toMillis() << Math.min(attempt - 1, 20);
        ms = Math.min(ms, LONGEST_WAIT.toMillis());
        return Duration.ofMillis(ms - ThreadLocalRandom.current().nextLong(ms / 5 + 1));
    }

    private void count(String outcome) {
        metrics.counter("fleetban_notifications_total", "channel", channel.name(), "outcome", outcome).increment();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
