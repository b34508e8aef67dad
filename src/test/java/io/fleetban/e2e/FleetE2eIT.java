package io.fleetban.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fleetban.testing.Netns;
import io.fleetban.testing.ScriptRun;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The whole fleet on one machine, as {@code e2e/fleet.sh test} runs it: three SIP nodes (nft,
 * iptables+ipset, nft), the Debian crowdsec-firewall-bouncer, an attacker and a friend in network
 * namespaces; two controllers from the packaged jar and a real PostgreSQL. The script checks the
 * cross-node ban, ctl unban, the DoS jail, expiry in the kernel with the agents stopped, a range
 * through the CrowdSec stream, four faults (kill -9 controller, kill -9 agent, PostgreSQL down
 * 10 s, log rotation) with every line counted exactly once, and prints a short time-to-ban; this
 * test passes when the script does. Skipped where network namespaces are not permitted.
 */
class FleetE2eIT {

    /** The script's exit code for "namespaces or nft are not usable here". */
    private static final int SKIPPED = 3;

    @Test
    void theFleetBansTogetherAndLosesNothingUnderFaults() throws Exception {
        Netns.assumeUsable();
        ScriptRun.Outcome run = ScriptRun.run("e2e", 12, List.of("bash", "e2e/fleet.sh", "test"));
        Assumptions.assumeFalse(run.exit() == SKIPPED, () -> "skipped: " + run.tail());
        assertEquals(0, run.exit(), () -> "e2e/fleet.sh test failed or ran over 12 min (full output in " + run.log() + "):\n" + run.tail());
    }
}
