package io.fleetban.controller;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Everything under {@code fleetban.*} in application.properties (or FLEETBAN_* in the environment). */
@ConfigMapping(prefix = "fleetban")
public interface FleetbanConfig {

    /** Accepted as an admin token when set (FLEETBAN_ADMIN_TOKEN): bootstrap for scripts and Secrets. */
    Optional<String> adminToken();

    /** Jails seeded on first start; afterwards the database is the truth. */
    Map<String, JailDefaults> jails();

    /** Allowlist entries seeded on first start (IP, CIDR or DNS name). */
    @WithDefault("127.0.0.0/8,::1")
    List<String> allowlist();

    Reports reports();

    Feed feed();

    Breaker breaker();

    interface JailDefaults {
        List<String> kinds();

        int maxretry();

        /** Seconds or a duration like 10m. */
        String findtime();

        String bantime();

        /** fail2ban's bantime.increment: a repeat offender's ban grows. */
        @WithDefault("true")
        boolean increment();

        /** bantime.factor: the n-th repeat ban lasts bantime * factor * 2^n. */
        @WithDefault("1")
        double incrementFactor();

        /** bantime.maxtime. */
        @WithDefault("7d")
        String incrementMax();

        @WithDefault("true")
        boolean enabled();
    }

    interface Reports {
        /** Most events one report may carry. */
        @WithDefault("10000")
        int maxEvents();

        /** An event's last time may lead the controller's clock by this much (agents' clocks drift). */
        @WithDefault("10m")
        String maxClockSkew();

        /** How long (node, seq) receipts are kept for deduplication. */
        @WithDefault("7d")
        String receiptRetention();

        /** Offense partitions older than this are dropped (must exceed the longest findtime). */
        @WithDefault("3d")
        String offenseRetention();

        /** Reports one node may send per second (a burst of twice as many is let through). */
        @WithDefault("50")
        int perNodeRate();

        /** Reports all nodes together may send to one replica per second. */
        @WithDefault("2000")
        int globalRate();

        /** Past bans of an ip this recent make its next ban longer (bantime.increment). */
        @WithDefault("7d")
        String banHistory();
    }

    interface Breaker {
        /**
         * More automatic bans than this within a minute trip the ban-storm breaker: new automatic
         * bans are held (alert-only) until an admin confirms. 0 turns the breaker off.
         */
        @WithDefault("1000")
        int maxBansPerMinute();
    }

    interface Feed {
        /** Ban events kept in memory for incremental answers; older cursors get a full snapshot. */
        @WithDefault("100000")
        int memoryEvents();

        /** Ban events kept in PostgreSQL. */
        @WithDefault("7d")
        String eventRetention();

        /** Longest long-poll, in seconds. */
        @WithDefault("60")
        int maxWait();

        /** Long-polls one node may hold open at once on a replica (an agent needs one). */
        @WithDefault("4")
        int maxWaitersPerNode();
    }
}
