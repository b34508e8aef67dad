package io.fleetban.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetban.testing.Netns;
import io.fleetban.testing.ScriptRun;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code ./fleetban bench --quick}'s harness completes: every measure runs against its peer
 * (fail2ban-regex, fail2ban-server, CrowdSec's LAPI and firewall bouncer) and lands in the table.
 * The figures are not judged here (the machine is shared; timings are never asserted in tests);
 * {@code ./fleetban test} installs the peers before the suite, as {@code ./fleetban bench} does.
 */
class BenchQuickIT {

    /** bench/suite.sh's exit code for "not possible here" (no root, no namespaces). */
    private static final int SKIPPED = 77;

    @Test
    void theQuickBenchCompletesWithEveryMeasure() throws Exception {
        Netns.assumeUsable();
        ScriptRun.Outcome run = ScriptRun.run("bench-quick", 8, List.of("bash", "bench/suite.sh", "--quick"));
        Assumptions.assumeFalse(run.exit() == SKIPPED, () -> "skipped: " + run.tail());
        assertEquals(0, run.exit(), () -> "bench/suite.sh --quick failed or ran over 8 min (full output in " + run.log() + "):\n" + run.tail());
        String out = Files.readString(run.log());
        assertTrue(out.contains("| 9 | memory"), () -> "no results table in " + run.log());
        assertTrue(!out.contains("**FAILED**"), () -> "a measure failed: " + run.log());
    }
}
