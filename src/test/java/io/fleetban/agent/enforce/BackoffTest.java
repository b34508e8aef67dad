package io.fleetban.agent.enforce;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesFromOneSecondToThirtyWithJitterAndStartsOverAfterASuccess() {
        Backoff b = new Backoff(new Random(42));
        long[] steps = {1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000};
        for (long step : steps) {
            long ms = b.next().toMillis();
            assertTrue(ms >= step / 2 && ms <= step, ms + " ms is not within [" + step / 2 + ", " + step + "]");
        }
        b.reset();
        assertTrue(b.next().compareTo(Duration.ofSeconds(1)) <= 0);
    }

    @Test
    void agentsThatFailTogetherDoNotRetryTogether() {
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int agent = 0; agent < 1000; agent++) {
            long first = new Backoff().next().toMillis();
            min = Math.min(min, first);
            max = Math.max(max, first);
        }
        assertTrue(max - min > 400, "first retries spread over " + min + ".." + max + " ms");
    }
}
