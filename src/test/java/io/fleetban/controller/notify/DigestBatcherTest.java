package io.fleetban.controller.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DigestBatcherTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final Duration MINUTE = Duration.ofMinutes(1);

    private static BanNotice ban(int i) {
        return new BanNotice("198.51.100." + i, "freeswitch", "auto", "10 failures", 10, 1, T0, T0.plus(MINUTE), null,
                Map.of(), List.of(), null);
    }

    @Test
    void upToTheThresholdEachBanIsItsOwnMessage() {
        DigestBatcher b = new DigestBatcher(3, MINUTE);
        for (int i = 0; i < 3; i++) {
            Message m = b.add(ban(i), T0.plusSeconds(i));
            assertThat(m.digest()).isFalse();
            assertThat(m.bans()).containsExactly(ban(i));
        }
        assertThat(b.due(T0.plus(Duration.ofHours(1)))).isNull();
    }

    @Test
    void pastTheThresholdTheRestWaitForOneDigest() {
        DigestBatcher b = new DigestBatcher(3, MINUTE);
        List<Message> singles = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Message m = b.add(ban(i), T0.plusMillis(i * 100L));
            if (m != null) {
                singles.add(m);
            }
        }
        assertThat(singles).hasSize(3);
        Instant opened = T0.plusMillis(300);
        assertThat(b.due(opened.plus(MINUTE).minusMillis(1))).isNull();
        Message digest = b.due(opened.plus(MINUTE));
        assertThat(digest.digest()).isTrue();
        assertThat(digest.bans()).hasSize(97).startsWith(ban(3)).endsWith(ban(99));
        assertThat(b.due(opened.plus(MINUTE).plusSeconds(1))).isNull();
    }

    @Test
    void aSustainedFloodStaysInDigests() {
        DigestBatcher b = new DigestBatcher(2, MINUTE);
        int singles = 0;
        int digests = 0;
        for (int s = 0; s < 600; s++) { // ten minutes, one ban a second
            Instant now = T0.plusSeconds(s);
            if (b.add(ban(s % 250), now) != null) {
                singles++;
            }
            if (b.due(now) != null) {
                digests++;
            }
        }
        assertThat(singles).isEqualTo(2);
        assertThat(digests).isBetween(9, 10);
    }

    @Test
    void afterAQuietWindowSinglesComeBack() {
        DigestBatcher b = new DigestBatcher(1, MINUTE);
        assertThat(b.add(ban(1), T0)).isNotNull();
        assertThat(b.add(ban(2), T0.plusSeconds(1))).isNull();
        assertThat(b.due(T0.plusSeconds(61)).bans()).containsExactly(ban(2));
        assertThat(b.add(ban(3), T0.plusSeconds(200))).isNotNull();
    }

    @Test
    void droppedBansAreCountedInTheDigest() {
        DigestBatcher b = new DigestBatcher(5, MINUTE);
        b.omit(1234, T0);
        assertThat(b.add(ban(1), T0.plusSeconds(1))).isNull(); // a digest is open: it joins
        Message digest = b.due(T0.plus(MINUTE));
        assertThat(digest.bans()).containsExactly(ban(1));
        assertThat(digest.omitted()).isEqualTo(1234);
        assertThat(digest.total()).isEqualTo(1235);
    }

    @Test
    void thresholdZeroDigestsEverything() {
        DigestBatcher b = new DigestBatcher(0, MINUTE);
        assertThat(b.add(ban(1), T0)).isNull();
        assertThat(b.due(T0.plus(MINUTE)).bans()).containsExactly(ban(1));
    }
}
