package io.fleetban.agent.regex;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Splits a byte stream into lines on '\n' (a trailing '\r' is dropped) and hands each one out as a
 * slice of one large reusable buffer: no copy, no String. A line longer than {@link #MAX_LINE} is
 * never handed out (only counted): cutting it short could turn an attacker's text into a line
 * ending that looks like a failure.
 */
final class LineScanner {

    static final int MAX_LINE = 64 * 1024;
    private static final int BUFFER = 1 << 20;

    interface Sink {
        void line(byte[] b, int from, int to);

        void tooLong();
    }

    private LineScanner() {
    }

    static void scan(InputStream in, Sink sink) throws IOException {
        byte[] buf = new byte[BUFFER];
        int start = 0;   // first byte of the current line
        int filled = 0;  // bytes in buf
        boolean skipping = false; // inside a line that is too long, until its '\n'
        int n;
        while ((n = in.read(buf, filled, buf.length - filled)) >= 0) {
            int i = filled;
            filled += n;
            while ((i = indexOfNewline(buf, i, filled)) >= 0) {
                if (skipping) {
                    skipping = false;
                } else if (i - start > MAX_LINE) {
                    sink.tooLong();
                } else {
                    emit(buf, start, i, sink);
                }
                start = ++i;
            }
            if (skipping || filled - start > MAX_LINE) {
                if (!skipping) {
                    sink.tooLong();
                    skipping = true;
                }
                start = filled; // drop what was read of it
            }
            if (start == filled) {
                start = filled = 0;
            } else if (filled == buf.length) {
                System.arraycopy(buf, start, buf, 0, filled - start);
                filled -= start;
                start = 0;
            }
        }
        if (filled > start && !skipping) {
            emit(buf, start, filled, sink); // the last line had no '\n'; at most MAX_LINE, checked above
        }
    }

    /**
     * The first '\n' in {@code b[from, to)}, or -1. Eight bytes at a time: the classic "has a zero
     * byte" test on the word XOR '\n'; its lowest set bit (little-endian: the first byte) is exact.
     */
    static int indexOfNewline(byte[] b, int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long x = (long) LONGS.get(b, i) ^ NEWLINES;
            long found = (x - ONES) & ~x & HIGHS;
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private static void emit(byte[] buf, int from, int to, Sink sink) {
        if (to > from && buf[to - 1] == '\r') {
            to--;
        }
        sink.line(buf, from, to);
    }
}
