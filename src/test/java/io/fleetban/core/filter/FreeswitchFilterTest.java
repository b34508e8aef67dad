package io.fleetban.core.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fleetban.core.failure.FailureKind;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FreeswitchFilterTest {

    private static final FreeswitchFilter FILTER = new FreeswitchFilter();

    static Failure match(String line) {
        byte[] b = ("xx" + line + "yy").getBytes(StandardCharsets.UTF_8);
        // the line sits inside a larger buffer, as it does when read from a file
        return FILTER.match(b, 2, b.length - 2);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            2013-12-31 17:39:54.767815 [WARNING] sofia_reg.c:1478 SIP auth failure (INVITE) on sofia profile 'internal' for [000972543480510@192.168.2.51] from ip 5.11.47.236 | 5.11.47.236 | auth-failure
            2013-12-31 17:39:54.767815 [WARNING] sofia_reg.c:1533 SIP auth challenge (INVITE) on sofia profile 'internal' for [011448708752617@192.168.2.51] from ip 81.94.202.251 | 81.94.202.251 | auth-challenge
            2013-12-31 17:39:54.767815 [WARNING] sofia_reg.c:2531 Can't find user [1001@192.168.2.51] from 5.11.47.236 | 5.11.47.236 | unknown-user
            2022-01-11 11:52:21.912339 95.73% [WARNING] sofia_reg.c:1664 SIP auth failure (REGISTER) on sofia profile 'external' for [1000@pbx.example] from ip 203.0.113.9 | 203.0.113.9 | auth-failure
            2022-01-11 11:52:21.912339 100% [WARNING] sofia_reg.c:3211 Can't find user [1000@pbx.example] from 203.0.113.9 | 203.0.113.9 | unknown-user
            d1d5c1a8-7c8f-4c0e-9e7b-4a1f0b2f4d11 2022-01-11 11:52:21.912339 95.73% [WARNING] sofia_reg.c:1664 SIP auth challenge (REGISTER) on sofia profile 'internal' for [1000@pbx.example] from ip 203.0.113.9 | 203.0.113.9 | auth-challenge
            d1d5c1a8-7c8f-4c0e-9e7b-4a1f0b2f4d11 2022-01-11 11:52:21.912339 [WARNING] sofia_reg.c:1664 SIP auth failure (REGISTER) on sofia profile 'internal' for [1000@pbx.example] from ip 203.0.113.9 | 203.0.113.9 | auth-failure
            08-03 07:56:53.026292 [WARN] [SOFIA] [sofia_reg.c:4130] Can't find user [101@148.251.134.154] from 192.0.2.3 | 192.0.2.3 | unknown-user
            08-03 08:10:21.026299 [WARN] [SOFIA] [sofia_reg.c:2248] SIP auth failure (INVITE) on sofia profile 'external' for [41801148436701961@148.251.134.154] from ip 192.0.2.4 | 192.0.2.4 | auth-failure
            2016-09-25T18:57:58.150982 www.srv.tld freeswitch[122921]: 2016-09-25 18:57:58.150982 [WARNING] sofia_reg.c:2889 Can't find user [201@::1] from 192.0.2.1 | 192.0.2.1 | unknown-user
            Sep 25 18:57:58 pbx1 freeswitch[1221]: [WARNING] sofia_reg.c:1720 SIP auth failure (REGISTER) on sofia profile 'internal' for [1000@pbx] from ip 192.0.2.2 | 192.0.2.2 | auth-failure
            pbx1 freeswitch: 2016-09-25 18:57:58.150982 [WARNING] sofia_reg.c:1720 SIP auth failure (REGISTER) on sofia profile 'internal' for [1000@pbx] from ip 192.0.2.2 | 192.0.2.2 | auth-failure
            2022-01-11 11:52:21.912339 [WARNING] sofia_reg.c:1664 SIP auth failure (REGISTER) on sofia profile 'internal' for [1000@pbx] from ip 2001:DB8:0:0::0:1 | 2001:db8::1 | auth-failure
            2022-01-11 11:52:21.912339 [WARNING] sofia_reg.c:1664 SIP auth failure (REGISTER) on sofia profile 'internal' for [1000@pbx] from ip ::ffff:198.51.100.7 | 198.51.100.7 | auth-failure
            2022-01-11 11:52:21.912339 [WARNING] sofia_reg.c:3211 Can't find user [1000@[2001:db8::5]] from 2001:db8::9 | 2001:db8::9 | unknown-user
            2022-01-11 11:52:21.912339 [WARNING] sofia_reg.c:1664 SIP auth failure (REGISTER) on sofia profile 'internal' for [@pbx] from ip 203.0.113.9 | 203.0.113.9 | auth-failure
            2022-01-11 11:52:21.912339 [WARNING] sofia_reg.c:1664 SIP auth failure (REGISTER) on sofia profile 'internal' for [] from ip 203.0.113.9 | 203.0.113.9 | auth-failure
            2022-01-11 11:52:21.912339 [WARNING] sofia_reg.c:1664 SIP auth failure (REGISTER) on sofia profile 'internal' for [john doe [x]@pbx] from ip 203.0.113.9 | 203.0.113.9 | auth-failure
            2022-01-11 11:52:21.912339 [WARNING] sofia_reg.c:1664 SIP auth failure (REGISTER) on sofia profile 'internal' for [a@b@c@pbx] from ip 203.0.113.9 | 203.0.113.9 | auth-failure
            2022-01-11 11:52:21.912339 [WARNING] sofia_reg.c:1664 SIP auth failure (REGISTER) on sofia profile 'internal' for [4915112345678@pbx] from ip 203.0.113.9 | 203.0.113.9 | auth-failure
            2022-01-11 11:52:21.912339 [WARNING] sofia_reg.c:1664 SIP auth failure (SUBSCRIBE) on sofia profile 'internal' for [100@pbx] from ip 203.0.113.9 | 203.0.113.9 | auth-failure
            2022-01-11 11:52:21.912339 [WARNING] sofia_reg.c:1664 SIP auth failure (REGISTER) on sofia profile 'internal' for [x] from ip 6.6.6.6@pbx] from ip 203.0.113.9 | 203.0.113.9 | auth-failure
            2022-01-11 11:52:21.912339 [WARNING] sofia_reg.c:3211 Can't find user [1.2.3.4] from 6.6.6.6@7.7.7.7] from 203.0.113.9 | 203.0.113.9 | unknown-user
            A registration failed user[1000] ip[203.0.113.9] at[2026-11-25T10:00:00.123456+0100] | 203.0.113.9 | auth-failure
            A registration was attempted user[1000] ip[203.0.113.9] at[2026-11-25T10:00:00.123456+0100] | 203.0.113.9 | auth-challenge
            A registration failed user[x] ip[6.6.6.6] at[now] ip[203.0.113.9] at[2026-11-25 10:00:00] | 203.0.113.9 | auth-failure
            A registration failed user[] ip[2001:db8::7] at[2026-11-25 10:00:00] | 2001:db8::7 | auth-failure
            """)
    void failures(String line, String ip, String kind) {
        Failure f = match(line);
        assertEquals(ip, f == null ? null : f.ip().toString(), line);
        assertEquals(FailureKind.fromWireName(kind), f.kind());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "2013-12-31 17:39:54.767815 [DEBUG] sofia.c:7954 IP 185.24.234.141 Rejected by acl \"domains\". Falling back to Digest auth.",
        "2022-01-11 11:52:21.912339 [WARNING] sofia_reg.c:1664 SIP auth success (REGISTER) on sofia profile 'internal' for [1000@pbx] from ip 203.0.113.9",
        "2022-01-11 11:52:21.912339 [NOTICE] sofia_reg.c:1664 SIP auth failure (REGISTER) on sofia profile 'internal' for [1000@pbx] from ip 203.0.113.9",
        "2022-01-11 11:52:21.912339 [WARNING] sofia.c:1664 SIP auth failure (REGISTER) on sofia profile 'internal' for [1000@pbx] from ip 203.0.113.9",
        "2022-01-11 11:52:21.912339 [WARNING] sofia_reg.c:1664 SIP auth failure (REGISTER) on sofia profile 'internal' for [1000@pbx] from ip 203.0.113.9 (retry)",
        "2022-01-11 11:52:21.912339 [WARNING] sofia_reg.c:1664 SIP auth failure (REGISTER) on sofia profile 'internal' for [1000@pbx] from 203.0.113.9",
        "2022-01-11 11:52:21.912339 [WARNING] sofia_reg.c:1664 SIP auth failure (register) on sofia profile 'internal' for [1000@pbx] from ip 203.0.113.9",
        "2022-01-11 11:52:21.912339 [WARNING] sofia_reg.c:1664 SIP auth failure (REGISTER) on sofia profile 'internal' for [1000@pbx] from ip 203.0.113.256",
        "2022-01-11 11:52:21.912339 [WARNING] sofia_reg.c:1664 SIP auth failure (REGISTER) on sofia profile 'internal' for [1000@pbx] from ip host.example",
        "2022-01-11 11:52:21.912339 [WARNING] sofia_reg.c:3211 Can't find user [1000@pbx] from ip 203.0.113.9",
        "2022-01-11 11:52:21.912339 [WARNING] sofia_reg.c:3211 Cannot find user [1000@pbx] from 203.0.113.9",
        "2022-01-11 11:52:21.912339 [DEBUG] sofia.c:2100 User-Agent: [WARNING] sofia_reg.c:1 SIP auth failure (REGISTER) on sofia profile 'x' for [a@b] from ip 6.6.6.6",
        "2022-01-11 11:52:21.912339 [INFO] mod_dptools.c:1 Can't find user [1000@pbx] from 203.0.113.9",
        "[WARNING] sofia.c:2100 User-Agent: x [WARNING] sofia_reg.c:1 SIP auth failure (REGISTER) on sofia profile 'x' for [a@b] from ip 6.6.6.6",
        "User-Agent: [WARNING] sofia_reg.c:1 SIP auth failure (REGISTER) on sofia profile 'x' for [a@b] from ip 6.6.6.6",
        "Abandoned call from  user[1000] ip[203.0.113.9] at[2026-11-25T10:00:00.123456+0100]",
        "Fail2ban was started",
        "Fail2ban stoping",
        "A registration succeeded user[1000] ip[203.0.113.9] at[2026-11-25T10:00:00.123456+0100]",
        "A registration failed user[1000] ip[203.0.113.9]",
        "A registration failed user[1000] ip[203.0.113.9] at[]",
        "A registration failed user[1000] ip[203.0.113.9] at[2026-11-25] ",
        "x A registration failed user[1000] ip[203.0.113.9] at[2026-11-25]",
        "",
        "1.2.3.4",
    })
    void notFailures(String line) {
        assertNull(match(line), line);
    }
}
