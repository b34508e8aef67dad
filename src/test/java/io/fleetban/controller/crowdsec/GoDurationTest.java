package io.fleetban.controller.crowdsec;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoDurationTest {

    @Test
    void writesWhatGoWrites() {
        assertThat(GoDuration.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(GoDuration.format(Duration.ofMillis(598_200))).isEqualTo("9m58.2s");
        assertThat(GoDuration.format(Duration.ofMinutes(99 * 60 + 59))).isEqualTo("99h59m0s");
        assertThat(GoDuration.format(Duration.ofHours(1))).isEqualTo("1h0m0s");
        assertThat(GoDuration.format(Duration.ofSeconds(59))).isEqualTo("59s");
        assertThat(GoDuration.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
        assertThat(GoDuration.format(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(GoDuration.format(Duration.ofNanos(1500))).isEqualTo("1.5µs");
        assertThat(GoDuration.format(Duration.ofNanos(3_723_000_000_001L))).isEqualTo("1h2m3.000000001s");
        assertThat(GoDuration.format(Duration.ofSeconds(-90))).isEqualTo("-1m30s");
    }
}
