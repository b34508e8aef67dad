package io.fleetban.core.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fleetban.core.failure.FailureKind;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AsteriskFilterTest {

    private static final AsteriskFilter FILTER = new AsteriskFilter();

    private static Failure match(String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        return FILTER.match(b, 0, b.length);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            [2012-02-13 17:21:54] NOTICE[1638] chan_sip.c: Registration from '<sip:301@example.com>' failed for '1.2.3.4' - Wrong password | 1.2.3.4 | auth-failure
            [2012-02-13 17:18:22] NOTICE[1638] chan_sip.c: Registration from '<sip:301@example.com>' failed for '1.2.3.4' - No matching peer found | 1.2.3.4 | unknown-user
            [2013-03-26 15:47:54] NOTICE[1237] chan_sip.c: Registration from '"100"sip:100@6.6.6.6' failed for '1.2.3.4:23930' - No matching peer found | 1.2.3.4 | unknown-user
            [2012-02-13 17:21:54] NOTICE[1638] chan_sip.c: Registration from '<sip:x' failed for '6.6.6.6' - Wrong password>' failed for '1.2.3.4' - Wrong password | 1.2.3.4 | auth-failure
            [2013-02-05 23:44:42] NOTICE[436][C-00000fa9] chan_sip.c: Call from '' (1.2.3.4:10836) to extension '0972598285108' rejected because extension not found in context 'default'. | 1.2.3.4 | unknown-user
            [Jan 18 17:39:50] NOTICE[12049]: res_pjsip_session.c:2337 new_invite: Call from 'anonymous' (TCP:[2001:db8::7]:61470) to extension '9011' rejected because extension not found in context 'default'. | 2001:db8::7 | unknown-user
            [2012-02-13 17:53:59] NOTICE[1638] chan_iax2.c: Host 1.2.3.4 failed to authenticate as 'Fail2ban' | 1.2.3.4 | auth-failure
            [2016-05-06 07:08:09] NOTICE[31554] manager.c: 192.0.2.4 tried to authenticate with nonexistent user 'opennms' | 192.0.2.4 | unknown-user
            [2013-07-06 09:09:25] SECURITY[3308] res_security_log.c: SecurityEvent="InvalidPassword",EventTV="1",Severity="Error",Service="SIP",EventVersion="2",AccountID="9",SessionID="0x8",LocalAddress="IPV4/UDP/92.28.73.180/5060",RemoteAddress="IPV4/UDP/141.255.164.106/5084",Challenge="41d26de5" | 141.255.164.106 | auth-failure
            [2015-05-25 07:21:48] SECURITY[6988] res_security_log.c: SecurityEvent="InvalidAccountID",EventTV="x",Severity="Error",Service="PJSIP",EventVersion="1",AccountID="7",SessionID="",RemoteAddress="IPV4/UDP/5.6.7.8/1111"",LocalAddress="IPV4/UDP/1.2.3.4/5060",RemoteAddress="IPV4/UDP/10.250.251.252/5061" | 10.250.251.252 | unknown-user
            [2013-11-11 14:33:38] WARNING[12124][C-00000001] Ext. s: "Rejecting unknown SIP connection from [2001:db8::1]:5060" | 2001:db8::1 | auth-failure
            [2016-05-23 10:18:16] NOTICE[19388] res_pjsip/pjsip_distributor.c: Request from '"1000" <sip:1000@10.0.0.1>' failed for '1.2.3.4:48336' (callid: 276666022) - No matching endpoint found | 1.2.3.4 | unknown-user
            [2016-05-23 10:18:16] NOTICE[19388] res_pjsip/pjsip_distributor.c: Request 'INVITE' from 'x' failed for '6.6.6.6:1' (callid: a' failed for '1.2.3.4:48336' (callid: 2760) - Failed to authenticate | 1.2.3.4 | auth-failure
            server asterisk[123]: NOTICE[566]: chan_sip.c:28926 handle_request_register: Registration from '"28" <sip:28@127.0.0.100>' failed for '192.0.2.1:7998' - Wrong password | 192.0.2.1 | auth-failure
            """)
    void failures(String line, String ip, String kind) {
        Failure f = match(line);
        assertEquals(ip, f == null ? null : f.ip().toString(), line);
        assertEquals(FailureKind.fromWireName(kind), f.kind());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "[2012-02-13 17:21:54] NOTICE[1638] chan_sip.c: Registration from '<sip:301@example.com>' failed for '1.2.3.4' - Something else",
        "[2012-02-13 17:21:54] VERBOSE[1638] chan_sip.c: Registration from '<sip:301@example.com>' failed for '1.2.3.4' - Wrong password",
        "[2013-02-05 23:44:42] NOTICE[436] chan_sip.c: Call from 'x' (6.6.6.6:1) to extension '1' rejected because extension not found in context 'd'.' (1.2.3.4:10836) to extension '2' rejected because extension not found in context 'default'.",
        "[2012-02-13 17:21:54] NOTICE[1638] chan_sip.c: Registration from '<sip:301@example.com>' failed for 'pbx.example' - Wrong password",
        "[2012-02-13 17:21:54] NOTICE[1638] chan_sip.c: Registered SIP '301' at 1.2.3.4:5060",
        "User-Agent: Registration from 'x' failed for '6.6.6.6' - Wrong password",
    })
    void notFailures(String line) {
        assertNull(match(line), line);
    }
}
