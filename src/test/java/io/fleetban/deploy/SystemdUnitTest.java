package io.fleetban.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetban.testing.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** systemd/fleetban-agent.service: systemd accepts it, it is hardened, and its settings add up. */
class SystemdUnitTest {

    private static final Path UNIT = TestDatabase.home().resolve("systemd/fleetban-agent.service");
    private static final Path ENV = TestDatabase.home().resolve("systemd/fleetban-agent.env");

    @Test
    void systemdAnalyzeVerifiesTheUnitWithoutAWord() throws Exception {
        boolean present = Stream.of(System.getenv("PATH").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, "systemd-analyze")));
        Assumptions.assumeTrue(present, "systemd-analyze is not installed: the unit is not verified here");
        Process p = new ProcessBuilder("systemd-analyze", "verify", UNIT.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Assumptions.assumeFalse(out.contains("System has not been booted with systemd") || out.contains("Failed to connect to bus"),
                "systemd-analyze cannot verify in this container: " + out.strip());
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as("warnings from systemd-analyze verify").isBlank();
    }

    @Test
    void unitRunsWithOnlyTheFirewallCapabilitiesAndAReadOnlySystem() throws IOException {
        List<String> lines = Files.readAllLines(UNIT);
        assertThat(lines).contains(
                "CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW",
                "NoNewPrivileges=yes",
                "ProtectSystem=strict",
                "ProtectHome=yes",
                "PrivateTmp=yes",
                "StateDirectory=fleetban-agent",
                "UMask=0077",
                "ExecStartPre=/bin/sh /opt/fleetban/register-node.sh",
                "EnvironmentFile=/etc/fleetban/agent.env");
        assertThat(lines).noneMatch(l -> l.startsWith("AmbientCapabilities=") || l.startsWith("User="));
        assertThat(String.join("\n", lines)).contains("--token-file /var/lib/fleetban-agent/node.token")
                .contains("Environment=FLEETBAN_TOKEN_FILE=/var/lib/fleetban-agent/node.token");
    }

    @Test
    void everyVariableTheUnitUsesIsSetByTheUnitOrTheEnvFile() throws IOException {
        String unit = Files.readString(UNIT);
        Set<String> defined = new HashSet<>();
        Matcher set = Pattern.compile("(?m)^Environment=([A-Z_]+)=").matcher(unit);
        while (set.find()) {
            defined.add(set.group(1));
        }
        Matcher inEnv = Pattern.compile("(?m)^([A-Z_]+)=").matcher(Files.readString(ENV));
        while (inEnv.find()) {
            defined.add(inEnv.group(1));
        }
        Matcher used = Pattern.compile("\\$\\{?([A-Z_]+)\\}?").matcher(unit);
        while (used.find()) {
            assertThat(defined).as("$%s in the unit", used.group(1)).contains(used.group(1));
        }
    }
}
