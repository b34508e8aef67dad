package io.fleetban.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetban.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * k8s/smoke.sh: the dev overlay under podman, end to end (see the script). Skipped, with the
 * script's reason, where podman cannot run; its log is target/it-logs/k8s-smoke.log.
 */
class PodmanSmokeIT {

    @Test
    void devOverlayRunsUnderPodman() throws Exception {
        Path home = TestDatabase.home();
        Path log = home.resolve("target/it-logs/k8s-smoke.log");
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder("bash", "k8s/smoke.sh").directory(home.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
            // TERM lets the script's trap tear the pods down.
            p.destroy();
            p.waitFor(2, TimeUnit.MINUTES);
            throw new AssertionError("k8s/smoke.sh did not finish in 15 minutes; see " + log);
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        lines.stream().filter(l -> l.startsWith("smoke:")).forEach(System.out::println);
        Assumptions.assumeTrue(p.exitValue() != 77, () -> lines.stream().filter(l -> l.startsWith("smoke: SKIPPED"))
                .findFirst().orElse("k8s/smoke.sh skipped"));
        assertThat(p.exitValue()).as("k8s/smoke.sh failed; see %s:%n%s", log,
                String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()))).isZero();
    }
}
