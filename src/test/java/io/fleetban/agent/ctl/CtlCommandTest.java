package io.fleetban.agent.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetban.agent.JsonTree;
import io.fleetban.agent.UsageException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class CtlCommandTest {

    private static final String STATUS = "{\"number_of_jail\":2,\"jail_list\":[\"freeswitch\",\"freeswitch-dos\"],"
            + "\"jails\":{\"freeswitch\":{\"currently_failed\":3,\"total_failed\":41,\"currently_banned\":2,"
            + "\"total_banned\":7,\"banned_ips\":[\"203.0.113.9\",\"2001:db8::1\"]}}}";

    @Test
    void statusPrintsLikeFail2banClient() throws IOException {
        assertEquals("Status\n|- Number of jail:\t2\n`- Jail list:\tfreeswitch, freeswitch-dos\n",
                CtlCommand.formatStatus(map(STATUS)));
    }

    @Test
    void aJailsStatusPrintsLikeFail2banClient() throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> jail = (Map<String, Object>) ((Map<?, ?>) map(STATUS).get("jails")).get("freeswitch");
        assertEquals("""
                Status for the jail: freeswitch
                |- Filter
                |  |- Currently failed:\t3
                |  `- Total failed:\t41
                `- Actions
                   |- Currently banned:\t2
                   |- Total banned:\t7
                   `- Banned IP list:\t203.0.113.9 2001:db8::1
                """, CtlCommand.formatJail("freeswitch", jail));
    }

    @Test
    void nodesPrintAsATable() throws IOException {
        String text = CtlCommand.formatNodes(map("{\"nodes\":[{\"name\":\"fs1\",\"created\":\"2026-11-25T10:00:00Z\","
                + "\"last_report\":\"2026-11-25T10:01:00Z\",\"last_poll\":null,\"cursor\":12,\"cursor_lag\":null}]}"));
        assertEquals("""
                NAME  LAST REPORT           LAST POLL  CURSOR  LAG
                fs1   2026-11-25T10:01:00Z  never      12      -
                """, text);
    }

    @Test
    void addressesAreCheckedBeforeAnythingIsSent() {
        usage("host bits set", "ban", "10.0.0.1/8");
        usage("not an IP address", "unban", "10.0.0");
        usage("not an IP address", "allow", "300.1.1.1");
        usage("not a duration", "ban", "203.0.113.9", "--for", "soon");
        usage("--note does not go with ban", "ban", "203.0.113.9", "--note", "x");
        usage("unknown action", "banish", "203.0.113.9");
    }

    @Test
    void anUnreachableControllerIsAnErrorNamingIt() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CtlCommand.run(new String[] {"--controller", "http://127.0.0.1:" + port, "--token", "t", "status"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("cannot reach the controller"), err.toString());
    }

    private static void usage(String message, String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "--controller";
        all[1] = "http://127.0.0.1:9";
        all[2] = "--token";
        all[3] = "t";
        System.arraycopy(args, 0, all, 4, args.length);
        Executable run = () -> CtlCommand.run(all, System.out, System.err);
        UsageException e = org.junit.jupiter.api.Assertions.assertThrows(UsageException.class, run);
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(String json) throws IOException {
        return (Map<String, Object>) JsonTree.parse(json.getBytes(StandardCharsets.UTF_8));
    }
}
