package io.fleetban.controller.report;

import io.fleetban.controller.FleetbanConfig;
import io.fleetban.controller.web.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets per node and for the whole replica: a runaway or hostile agent gets 429 with
 * Retry-After long before it can starve the database, and a well-behaved agent, which sends one
 * report per round trip, never comes near the limit.
 */
@ApplicationScoped
public class ReportRateLimit {

    @Inject
    FleetbanConfig config;

    private final Map<String, Bucket> perNode = new ConcurrentHashMap<>();
    private Bucket global;

    /** Takes one report's worth from the node's and the replica's bucket, or throws 429. */
    public void take(String node) {
        double nodeRate = config.reports().perNodeRate();
        Bucket mine = perNode.computeIfAbsent(node, n -> new Bucket(nodeRate, 2 * nodeRate));
        double wait = mine.take();
        if (wait > 0) {
            throw ApiException.tooManyRequests("node '" + node + "' sends more than " + (int) nodeRate
                    + " reports a second; slow down", (long) Math.ceil(wait));
        }
        wait = global().take();
        if (wait > 0) {
            throw ApiException.tooManyRequests("this controller is taking more than "
                    + config.reports().globalRate() + " reports a second; retry later", (long) Math.ceil(wait));
        }
    }

    private synchronized Bucket global() {
        if (global == null) {
            double rate = config.reports().globalRate();
            global = new Bucket(rate, 2 * rate);
        }
        return global;
    }

    /** A classic token bucket; {@link #take()} returns 0 when allowed, else seconds until a token. */
    static final class Bucket {
        private final double rate;
        private final double capacity;
        private double tokens;
        private long last = System.nanoTime();

        Bucket(double rate, double capacity) {
            this.rate = rate;
            this.capacity = capacity;
            this.tokens = capacity;
        }

        synchronized double take() {
            long now = System.nanoTime();
            tokens = Math.min(capacity, tokens + (now - last) / 1e9 * rate);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (1 - tokens) / rate;
        }
    }
}
