package io.fleetban.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fleetban.testing.ScriptRun;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * k8s/smoke.sh: the dev overlay under podman, end to end (see the script). Skipped, with the
 * script's reason, where podman cannot run; its log is target/it-logs/k8s-smoke.log.
 */
class PodmanSmokeIT {

    @Test
    void devOverlayRunsUnderPodman() throws Exception {
        ScriptRun.Outcome run = ScriptRun.run("k8s-smoke", 15, List.of("bash", "k8s/smoke.sh"));
        Assumptions.assumeFalse(run.exit() == 77, () -> "skipped: " + run.tail());
        assertEquals(0, run.exit(), () -> "k8s/smoke.sh failed or ran over 15 min (full output in " + run.log() + "):\n" + run.tail());
    }
}
