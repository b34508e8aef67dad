package io.fleetban.agent.regex;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineScannerTest {

    private static List<String> scan(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        LineScanner.scan(in, new LineScanner.Sink() {
            @Override
            public void line(byte[] b, int from, int to) {
                lines.add(new String(b, from, to - from, StandardCharsets.ISO_8859_1));
            }

            @Override
            public void tooLong() {
                lines.add("<too long>");
            }
        });
        return lines;
    }

    @Test
    void splitsOnNewlineDropsCarriageReturnKeepsALastLineWithoutNewline() throws IOException {
        assertEquals(List.of("a", "", "b", "c"), scan(new ByteArrayInputStream("a\n\r\nb\r\nc".getBytes())));
        assertEquals(List.of(), scan(new ByteArrayInputStream(new byte[0])));
    }

    /** Reads that end mid-line, lines across buffer refills, and over-long lines in between. */
    @Test
    void linesAcrossBufferBoundariesAndTrickleReads() throws IOException {
        StringBuilder text = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 40_000; i++) {
            String line = i % 9_999 == 0 ? "y".repeat(LineScanner.MAX_LINE + 1 + i % 7) : "line " + i + " " + "x".repeat(i % 300);
            text.append(line).append('\n');
            expected.add(line.length() > LineScanner.MAX_LINE ? "<too long>" : line);
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(expected, scan(new ByteArrayInputStream(bytes)));
        InputStream trickle = new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 777));
            }
        };
        assertEquals(expected, scan(trickle));
    }
}
