package io.fleetban.agent.enforce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetban.agent.UsageException;
import io.fleetban.core.net.IpAddress;
import io.fleetban.core.net.IpSet;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

class EnforceCommandTest {

    private static String usageError(String... args) {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream());
        return assertThrows(UsageException.class, () -> EnforceCommand.run(args, sink, sink)).getMessage();
    }

    private static final String[] CONTROLLER = {"--controller", "http://127.0.0.1:1", "--token", "t"};

    private static String[] with(String... more) {
        String[] out = new String[CONTROLLER.length + more.length];
        System.arraycopy(CONTROLLER, 0, out, 0, CONTROLLER.length);
        System.arraycopy(more, 0, out, CONTROLLER.length, more.length);
        return out;
    }

    @Test
    void badCommandLinesNameWhatIsWrong() {
        assertEquals("option --controller is required", usageError("--token", "t"));
        assertEquals("--firewall: 'ufw' is not nft, iptables or none", usageError(with("--firewall", "ufw")));
        assertEquals("--ports: 'sip' is not a port number", usageError(with("--ports", "5060,sip")));
        assertEquals("--ports: port 0 is out of range 1-65535", usageError(with("--ports", "0")));
        assertTrue(usageError(with("--allow", "10.0.0.0/8,10.0.0.1/8")).startsWith("--allow: '10.0.0.1/8': "));
        assertEquals("unknown option --log", usageError(with("--log", "x")));
        assertEquals("unexpected argument 'now'", usageError(with("now")));
    }

    @Test
    void theAllowlistTakesAddressesAndNetworks() {
        IpSet allow = EnforceCommand.allowlist("198.51.100.0/24, 203.0.113.9,2001:db8::/32");
        assertTrue(allow.contains(IpAddress.parse("198.51.100.77")));
        assertTrue(allow.contains(IpAddress.parse("203.0.113.9")));
        assertTrue(allow.contains(IpAddress.parse("2001:db8::1")));
        assertTrue(EnforceCommand.allowlist("").isEmpty());
    }
}
