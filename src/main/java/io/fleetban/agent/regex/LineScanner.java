package io.fleetban.agent.regex;

import java.io.IOException;
import java.io.InputStream;

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
            int scan = filled;
            filled += n;
            for (int i = scan; i < filled; i++) {
                if (buf[i] != '\n') {
                    continue;
                }
                if (skipping) {
                    skipping = false;
                } else if (i - start > MAX_LINE) {
                    sink.tooLong();
                } else {
                    emit(buf, start, i, sink);
                }
                start = i + 1;
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

    private static void emit(byte[] buf, int from, int to, Sink sink) {
        if (to > from && buf[to - 1] == '\r') {
            to--;
        }
        sink.line(buf, from, to);
    }
}
