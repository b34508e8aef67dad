package io.fleetban.core.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void readsWhatFail2banUsersWrite() {
        assertThat(Durations.parse("600")).isEqualTo(Duration.ofSeconds(600));
        assertThat(Durations.parse("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(Durations.parse("1w")).isEqualTo(Duration.ofDays(7));
        assertThat(Durations.parse("PT2H")).isEqualTo(Duration.ofHours(2));
        assertThat(Durations.format(Duration.ofSeconds(5400))).isEqualTo("1h30m");
        assertThat(Durations.format(Duration.ofDays(7))).isEqualTo("7d");
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> Durations.parse("soon")).hasMessageContaining("not a duration: 'soon'");
        assertThatThrownBy(() -> Durations.parse("0")).hasMessageContaining("positive");
        assertThatThrownBy(() -> Durations.parse("1h30")).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> Durations.parse("")).hasMessageContaining("required");
        assertThatThrownBy(() -> Durations.parse("-5m")).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> Durations.parse("99999999999999w")).isInstanceOf(IllegalArgumentException.class);
    }
}
