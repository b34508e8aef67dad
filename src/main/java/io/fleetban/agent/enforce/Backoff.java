package io.fleetban.agent.enforce;

import java.time.Duration;
import java.util.Random;

/**
 * Waits between failed polls: 1 s doubling up to 30 s, each wait drawn between half and all of
 * its step so a thousand agents that lost the controller together don't return together.
 */
final class Backoff {

    static final Duration FIRST = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofSeconds(30);

    private final Random random;
    private Duration step = FIRST;

    Backoff() {
        this(new Random());
    }

    Backoff(Random random) {
        this.random = random;
    }

    Duration next() {
        long ms = step.toMillis();
        step = step.multipliedBy(2).compareTo(MAX) > 0 ? MAX : step.multipliedBy(2);
        return Duration.ofMillis(ms / 2 + (long) (random.nextDouble() * (ms - ms / 2)));
    }

    void reset() {
        step = FIRST;
    }
}
