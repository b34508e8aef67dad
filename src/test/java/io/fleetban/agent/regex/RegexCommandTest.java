package io.fleetban.agent.regex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetban.agent.UsageException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegexCommandTest {

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    static Run run(InputStream stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = RegexCommand.run(args, stdin, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static final String LOG = """
            2022-01-11 11:52:21.912339 95.73% [WARNING] sofia_reg.c:1664 SIP auth failure (REGISTER) on sofia profile 'internal' for [1000@pbx] from ip 203.0.113.9
            2022-01-11 11:52:22.000001 [WARNING] sofia_reg.c:1664 SIP auth failure (REGISTER) on sofia profile 'internal' for [1000@pbx] from ip 203.0.113.9\r
            2022-01-11 11:52:23.000001 [WARNING] sofia_reg.c:3211 Can't find user [1@pbx] from 2001:DB8::0:1
            2022-01-11 11:52:24.000001 [INFO] mod_dialplan_xml.c:637 Processing 1000 <1000>->1001 in context default
            A registration was attempted user[1000] ip[::ffff:203.0.113.9] at[2026-11-25T10:00:00.123456+0100]
            2022-01-11 11:52:25.000001 [WARNING] sofia_reg.c:1664 SIP auth failure (REGISTER) on sofia profile 'internal' for [1000@pbx] from ip 203.0.113.9""";

    @Test
    void jsonIsExactlyOneObjectWithNormalisedAddresses() throws IOException {
        Path log = Files.writeString(dir.resolve("fs.log"), LOG);
        Run r = run(InputStream.nullInputStream(), log.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        assertEquals("{\"lines\":6,\"matched\":5,\"ips\":{\"203.0.113.9\":{\"auth-failure\":3,\"auth-challenge\":1},"
                + "\"2001:db8::1\":{\"unknown-user\":1}}}\n", r.out());
        assertEquals("", r.err());
    }

    @Test
    void dashReadsStandardInput() {
        Run r = run(new ByteArrayInputStream(LOG.getBytes(StandardCharsets.UTF_8)), "-", "--json", "--filter", "freeswitch");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("{\"lines\":6,\"matched\":5,"), r.out());
    }

    @Test
    void summaryReadsLikeFail2banRegex() throws IOException {
        Path log = Files.writeString(dir.resolve("fs.log"), LOG);
        Run r = run(InputStream.nullInputStream(), log.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Failregex: 5 total"), r.out());
        assertTrue(r.out().contains("Lines: 6 lines, 5 matched, 1 missed"), r.out());
        assertTrue(r.out().contains("|  auth-failure    3"), r.out());
        assertTrue(r.out().matches("(?s).*\\|  203\\.0\\.113\\.9 +4  auth-failure 3, auth-challenge 1\n.*"), r.out());
    }

    @Test
    void aMissingFileIsAnErrorNamingIt() {
        Path missing = dir.resolve("no-such.log");
        Run r = run(InputStream.nullInputStream(), missing.toString(), "--json");
        assertNotEquals(0, r.code());
        assertEquals("", r.out());
        assertEquals("fleetban-agent regex: cannot read " + missing + ": no such file\n", r.err());
    }

    @Test
    void badFilterAndUsageAreErrors() {
        Run r = run(InputStream.nullInputStream(), "x.log", "--filter", "nosuch");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("unknown filter 'nosuch'"), r.err());
        Run conf = run(InputStream.nullInputStream(), "x.log", "--filter", dir.resolve("missing.conf").toString());
        assertEquals(1, conf.code());
        assertTrue(conf.err().contains(dir.resolve("missing.conf").toString()), conf.err());
        assertThrows(UsageException.class, () -> run(InputStream.nullInputStream()));
        assertThrows(UsageException.class, () -> run(InputStream.nullInputStream(), "a", "--jsn"));
    }

    @Test
    void overLongLinesAreCountedButNeverMatched() throws IOException {
        String failure = "2022-01-11 11:52:21.912339 [WARNING] sofia_reg.c:1664 SIP auth failure (REGISTER) on sofia profile "
                + "'internal' for [" + "x".repeat(LineScanner.MAX_LINE) + "] from ip 203.0.113.9";
        Path log = Files.writeString(dir.resolve("long.log"), failure + "\n" + LOG + "\n" + failure);
        Run r = run(InputStream.nullInputStream(), log.toString(), "--json");
        assertEquals("{\"lines\":8,\"matched\":5,", r.out().substring(0, r.out().indexOf("\"ips\"")));
    }

    /** issue 4's hidden-style check: injection attempts in user names, exact counts for the true sources only. */
    @Test
    void hiddenStyleLogReportsOnlyTheTrueSources() throws IOException {
        HostileLog hostile = HostileLog.generate(4242, 20_000);
        Path log = Files.writeString(dir.resolve("hostile.log"), hostile.text());
        Run r = run(InputStream.nullInputStream(), log.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> json = new ObjectMapper().readValue(r.out(), new TypeReference<>() { });
        assertEquals(hostile.lines.size(), json.get("lines"));
        assertEquals(hostile.failures, json.get("matched"));
        assertEquals(hostile.truth, json.get("ips"));
        System.out.printf("hidden-style log: %d lines, %d failures from %s%n", hostile.lines.size(), hostile.failures,
                hostile.truth.keySet());
    }
}
