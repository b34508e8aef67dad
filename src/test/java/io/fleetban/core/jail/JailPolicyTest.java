package io.fleetban.core.jail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetban.core.failure.FailureKind;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JailPolicyTest {

    private static JailPolicy jail(boolean increment, double factor, Duration max) {
        return new JailPolicy("freeswitch", Set.of(FailureKind.AUTH_FAILURE), 10, Duration.ofMinutes(10),
                Duration.ofMinutes(10), increment, factor, max, true);
    }

    @Test
    void aRepeatOffendersBanGrowsLikeFail2bans() {
        JailPolicy p = jail(true, 1, Duration.ofDays(7));
        assertThat(p.banDuration(0)).isEqualTo(Duration.ofMinutes(10));
        assertThat(p.banDuration(1)).isEqualTo(Duration.ofMinutes(20));
        assertThat(p.banDuration(3)).isEqualTo(Duration.ofMinutes(80));
        assertThat(p.banDuration(30)).isEqualTo(Duration.ofDays(7));
        assertThat(jail(true, 3, Duration.ofDays(7)).banDuration(1)).isEqualTo(Duration.ofMinutes(60));
        assertThat(jail(false, 1, Duration.ofDays(7)).banDuration(5)).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void refusesPoliciesThatMakeNoSense() {
        assertThatThrownBy(() -> new JailPolicy("Bad Name", Set.of(FailureKind.AUTH_FAILURE), 1,
                Duration.ofSeconds(1), Duration.ofSeconds(1), false, 1, Duration.ofSeconds(1), true))
                .isInstanceOf(JailPolicy.InvalidPolicyException.class).extracting("field").isEqualTo("name");
        assertThatThrownBy(() -> new JailPolicy("j", Set.of(), 1, Duration.ofSeconds(1), Duration.ofSeconds(1),
                false, 1, Duration.ofSeconds(1), true)).extracting("field").isEqualTo("kinds");
        assertThatThrownBy(() -> jail(true, 0, Duration.ofDays(1))).extracting("field").isEqualTo("bantime.factor");
        assertThatThrownBy(() -> jail(true, 1, Duration.ofMinutes(1))).extracting("field")
                .isEqualTo("bantime.maxtime");
    }
}
