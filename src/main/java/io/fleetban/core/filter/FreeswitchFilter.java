package io.fleetban.core.filter;

import static io.fleetban.core.filter.AsciiBytes.bytes;
import static io.fleetban.core.filter.AsciiBytes.isDigit;
import static io.fleetban.core.filter.AsciiBytes.startsWith;

import io.fleetban.core.failure.FailureKind;
import io.fleetban.core.net.IpAddress;

/**
 * The built-in {@code freeswitch} filter: "SIP auth failure" (auth-failure), "Can't find user"
 * (unknown-user) and "SIP auth challenge" (auth-challenge) from sofia_reg.c, plus the
 * "A registration failed" / "A registration was attempted" lines of FreeSWITCH's mod_fail2ban log.
 *
 * <p>Hand-written byte parsing instead of regular expressions, for two reasons. Speed: almost every
 * line of a FreeSWITCH log is something else, and the line prefix (UUID, timestamp, CPU percent,
 * level, source file) rejects it after a few byte comparisons. Trust: the user and domain between
 * the brackets come from the attacker and may hold anything, including "] from ip 1.2.3.4", so the
 * message is anchored at both ends: its start must directly follow FreeSWITCH's own prefix
 * ({@code [WARNING] sofia_reg.c:NNN}), and the address is read only from the fixed structure at the
 * very end of the line. Text a remote party controls never decides which address is blamed.
 *
 * <p>Line styles: {@code [UUID ]TIMESTAMP [CPU% ][WARNING|WARN] [[SOFIA] ]sofia_reg.c:N MSG} and
 * {@code ... [sofia_reg.c:N] MSG}, the timestamp optional and with or without the year, optionally
 * behind a syslog/journal prefix ({@code DATE HOST freeswitch[PID]: }). The SIP method in
 * parentheses may be any upper-case token (FreeSWITCH challenges REGISTER, INVITE, SUBSCRIBE, ...).
 */
public final class FreeswitchFilter implements LineFilter {

    public static final String NAME = "freeswitch";

    private static final byte[] WARNING = bytes("[WARNING] ");
    private static final byte[] WARN = bytes("[WARN] ");
    private static final byte[] SOFIA = bytes("[SOFIA] ");
    private static final byte[] SOFIA_REG = bytes("sofia_reg.c:");
    private static final byte[] SIP_AUTH = bytes("SIP auth ");
    private static final byte[] FAILURE = bytes("failure (");
    private static final byte[] CHALLENGE = bytes("challenge (");
    private static final byte[] ON_PROFILE = bytes(") on sofia profile '");
    private static final byte[] FOR = bytes("' for [");
    private static final byte[] FROM_IP = bytes("] from ip ");
    private static final byte[] CANT_FIND = bytes("Can't find user [");
    private static final byte[] FROM = bytes("] from ");
    private static final byte[] REG_FAILED = bytes("A registration failed user[");
    private static final byte[] REG_ATTEMPTED = bytes("A registration was attempted user[");
    private static final byte[] IP_OPEN = bytes("] ip[");
    private static final byte[] AT_OPEN = bytes("] at[");

    /** Shortest possible failure line: "Can't find user [] from 1.2.3.4" has 32 bytes. */
    private static final int MIN_LENGTH = 28;

    /** sofiaMessage: the line has FreeSWITCH's own prefix but is not a sofia_reg warning. */
    private static final int NOT_SOFIA = -1;
    /** sofiaMessage: no level bracket where FreeSWITCH puts it; the line may sit behind a syslog prefix. */
    private static final int NOT_FREESWITCH = -2;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Failure match(byte[] b, int from, int to) {
        if (to - from < MIN_LENGTH) {
            return null;
        }
        byte last = b[to - 1];
        if (last == ']') {
            return b[from] == 'A' ? modFail2ban(b, from, to) : null;
        }
        if (!AsciiBytes.isIpChar(last)) {
            return null;
        }
        // One call site for sofiaMessage keeps the JIT's compile of this hot method small, which
        // is most of what a one-shot `regex` run over a million lines spends beyond the scan.
        int start = from;
        int msg;
        while ((msg = sofiaMessage(b, start, to)) == NOT_FREESWITCH && start == from) {
            start = syslogPrefixEnd(b, from, to);
            if (start < 0) {
                return null;
            }
        }
        return msg < 0 ? null : sofiaFailure(b, msg, to);
    }

    /**
     * Where the message starts in a FreeSWITCH log line beginning at {@code p}: after the optional
     * UUID, timestamp and CPU percent, the level {@code [WARNING]}/{@code [WARN]}, the optional
     * {@code [SOFIA]} and {@code sofia_reg.c:N} or {@code [sofia_reg.c:N]} with one space after it.
     */
    private static int sofiaMessage(byte[] b, int p, int to) {
        p = skipUuid(b, p, to);
        p = skipTimestamp(b, p, to);
        p = skipCpuPercent(b, p, to);
        if (p >= to || b[p] != '[') {
            return NOT_FREESWITCH;
        }
        if (startsWith(b, p, to, WARNING)) {
            p += WARNING.length;
        } else if (startsWith(b, p, to, WARN)) {
            p += WARN.length;
        } else {
            return NOT_SOFIA;
        }
        if (startsWith(b, p, to, SOFIA)) {
            p += SOFIA.length;
        }
        boolean bracketed = p < to && b[p] == '[';
        if (bracketed) {
            p++;
        }
        if (!startsWith(b, p, to, SOFIA_REG)) {
            return NOT_SOFIA;
        }
        p += SOFIA_REG.length;
        int digits = p;
        p = AsciiBytes.skipDigits(b, p, to);
        if (p == digits) {
            return NOT_SOFIA;
        }
        if (bracketed) {
            if (p >= to || b[p] != ']') {
                return NOT_SOFIA;
            }
            p++;
        }
        return p < to && b[p] == ' ' ? p + 1 : NOT_SOFIA;
    }

    private static Failure sofiaFailure(byte[] b, int p, int to) {
        if (startsWith(b, p, to, SIP_AUTH)) {
            p += SIP_AUTH.length;
            FailureKind kind;
            if (startsWith(b, p, to, FAILURE)) {
                kind = FailureKind.AUTH_FAILURE;
                p += FAILURE.length;
            } else if (startsWith(b, p, to, CHALLENGE)) {
                kind = FailureKind.AUTH_CHALLENGE;
                p += CHALLENGE.length;
            } else {
                return null;
            }
            int method = p;
            while (p < to && b[p] >= 'A' && b[p] <= 'Z') {
                p++;
            }
            if (p == method || !startsWith(b, p, to, ON_PROFILE)) {
                return null;
            }
            p += ON_PROFILE.length;
            int profile = p;
            while (p < to && b[p] != '\'') {
                p++;
            }
            if (p == profile || !startsWith(b, p, to, FOR)) {
                return null;
            }
            return trailingAddress(b, p + FOR.length, to, FROM_IP, kind);
        }
        if (startsWith(b, p, to, CANT_FIND)) {
            return trailingAddress(b, p + CANT_FIND.length, to, FROM, FailureKind.UNKNOWN_USER);
        }
        return null;
    }

    /**
     * The failure whose address ends the line, directly behind {@code marker} ("] from ip "), with
     * the bracketed user part (anything, even empty) between {@code userStart} and the marker.
     */
    private static Failure trailingAddress(byte[] b, int userStart, int to, byte[] marker, FailureKind kind) {
        int ipStart = AsciiBytes.ipRunStart(b, userStart, to);
        int markerStart = ipStart - marker.length;
        if (markerStart < userStart || !startsWith(b, markerStart, to, marker)) {
            return null;
        }
        IpAddress ip = AsciiBytes.ip(b, ipStart, to);
        return ip == null ? null : new Failure(ip, kind);
    }

    /**
     * mod_fail2ban: {@code A registration failed user[U] ip[A] at[DATE]}. The user may contain
     * "] ip[1.2.3.4] at[", so the address is read backwards from the fixed end of the line.
     */
    private static Failure modFail2ban(byte[] b, int from, int to) {
        FailureKind kind;
        int userStart;
        if (startsWith(b, from, to, REG_FAILED)) {
            kind = FailureKind.AUTH_FAILURE;
            userStart = from + REG_FAILED.length;
        } else if (startsWith(b, from, to, REG_ATTEMPTED)) {
            kind = FailureKind.AUTH_CHALLENGE;
            userStart = from + REG_ATTEMPTED.length;
        } else {
            return null;
        }
        int dateOpen = to - 2;
        while (dateOpen > userStart && b[dateOpen] != '[' && b[dateOpen] != ']') {
            dateOpen--;
        }
        if (dateOpen == to - 2 || b[dateOpen] != '[') {
            return null; // empty date, or a bracket inside it
        }
        int ipEnd = dateOpen + 1 - AT_OPEN.length;
        if (ipEnd < userStart || !startsWith(b, ipEnd, to, AT_OPEN)) {
            return null;
        }
        int ipStart = AsciiBytes.ipRunStart(b, userStart, ipEnd);
        if (ipStart - IP_OPEN.length < userStart || !startsWith(b, ipStart - IP_OPEN.length, to, IP_OPEN)) {
            return null;
        }
        IpAddress ip = AsciiBytes.ip(b, ipStart, ipEnd);
        return ip == null ? null : new Failure(ip, kind);
    }

    /** {@code 8-4-4-4-12} hex digits and a space. */
    private static int skipUuid(byte[] b, int p, int to) {
        if (to - p < 37 || b[p + 8] != '-' || b[p + 13] != '-' || b[p + 18] != '-' || b[p + 23] != '-'
                || b[p + 36] != ' ') {
            return p;
        }
        for (int i = 0; i < 36; i++) {
            byte c = b[p + i];
            boolean hex = isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!hex && !(c == '-' && (i == 8 || i == 13 || i == 18 || i == 23))) {
                return p;
            }
        }
        return p + 37;
    }

    /** Where {@code MM-DD HH:MM:SS} has its digits. */
    private static final int[] TIMESTAMP_DIGITS = {0, 1, 3, 4, 6, 7, 9, 10, 12, 13};

    /** {@code [YYYY-]MM-DD HH:MM:SS[.ffffff]} and a space. */
    private static int skipTimestamp(byte[] b, int p, int to) {
        int q = p;
        if (to - q >= 5 && isDigits(b, q, 4) && b[q + 4] == '-') {
            q += 5;
        }
        if (to - q < 15 || b[q + 2] != '-' || (b[q + 5] != ' ' && b[q + 5] != 'T') || b[q + 8] != ':'
                || b[q + 11] != ':') {
            return p;
        }
        for (int i : TIMESTAMP_DIGITS) {
            if (!isDigit(b[q + i])) {
                return p;
            }
        }
        q += 14;
        if (b[q] == '.') {
            int f = q + 1;
            q = AsciiBytes.skipDigits(b, f, to);
            if (q == f) {
                return p;
            }
        }
        return q < to && b[q] == ' ' ? q + 1 : p;
    }

    /** FreeSWITCH ≥ 1.10.7 writes the CPU idle percentage after the timestamp: {@code 95.73% }. */
    private static int skipCpuPercent(byte[] b, int p, int to) {
        int q = AsciiBytes.skipDigits(b, p, to);
        if (q == p) {
            return p;
        }
        if (q < to && b[q] == '.') {
            int f = q + 1;
            q = AsciiBytes.skipDigits(b, f, to);
            if (q == f) {
                return p;
            }
        }
        return to - q >= 2 && b[q] == '%' && b[q + 1] == ' ' ? q + 2 : p;
    }

    /**
     * End of a syslog or journal prefix: {@code [DATE ][HOST ]PROGRAM[[PID]]: }, where DATE is ISO
     * ({@code 2016-09-25T18:57:58.150982}) or BSD ({@code Sep 25 18:57:58}), and at least one of
     * date, host and PID is there. -1 when there is none. Strict on purpose: a looser rule would let a logged header such as "User-Agent: " pass as
     * a prefix and make the attacker's text after it look like a FreeSWITCH line.
     */
    private static int syslogPrefixEnd(byte[] b, int p, int to) {
        int q = skipSyslogDate(b, p, to);
        boolean dated = q != p;
        int first = q;
        q = skipWord(b, q, to);
        if (q == first) {
            return -1;
        }
        boolean host = q < to && b[q] == ' ';
        if (host) { // that was the host; the program follows
            int prog = q + 1;
            q = skipWord(b, prog, to);
            if (q == prog) {
                return -1;
            }
        }
        boolean pid = q < to && b[q] == '[';
        if (!dated && !host && !pid) {
            return -1; // a bare "Name: " is how SIP headers look, not a syslog prefix
        }
        if (pid) {
            int digits = q + 1;
            q = AsciiBytes.skipDigits(b, digits, to);
            if (q == digits || q >= to || b[q] != ']') {
                return -1;
            }
            q++;
        }
        if (to - q < 2 || b[q] != ':' || b[q + 1] != ' ') {
            return -1;
        }
        q += 2;
        while (q < to && b[q] == ' ') {
            q++;
        }
        return q;
    }

    private static int skipSyslogDate(byte[] b, int p, int to) {
        if (to - p >= 11 && isDigits(b, p, 4) && b[p + 4] == '-' && b[p + 10] == 'T') {
            int q = p + 11;
            while (q < to && b[q] != ' ') {
                q++;
            }
            return q < to ? q + 1 : p;
        }
        // "Sep 25 18:57:58" or "Sep  5 18:57:58", optionally with fractions
        if (to - p >= 16 && isLetter(b[p]) && isLetter(b[p + 1]) && isLetter(b[p + 2]) && b[p + 3] == ' '
                && (b[p + 4] == ' ' || isDigit(b[p + 4])) && isDigit(b[p + 5]) && b[p + 6] == ' '
                && isDigits(b, p + 7, 2) && b[p + 9] == ':' && isDigits(b, p + 10, 2) && b[p + 12] == ':'
                && isDigits(b, p + 13, 2)) {
            int q = p + 15;
            if (b[q] == '.') {
                q = AsciiBytes.skipDigits(b, q + 1, to);
            }
            return q < to && b[q] == ' ' ? q + 1 : p;
        }
        return p;
    }

    /** A host or program name: letters, digits, '.', '_', '-', '/'. */
    private static int skipWord(byte[] b, int p, int to) {
        while (p < to) {
            byte c = b[p];
            if (!(isLetter(c) || isDigit(c) || c == '.' || c == '_' || c == '-' || c == '/')) {
                break;
            }
            p++;
        }
        return p;
    }

    private static boolean isLetter(byte c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isDigits(byte[] b, int p, int n) {
        for (int i = 0; i < n; i++) {
            if (!isDigit(b[p + i])) {
                return false;
            }
        }
        return true;
    }
}
