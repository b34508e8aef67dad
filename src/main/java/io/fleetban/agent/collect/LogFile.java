package io.fleetban.agent.collect;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One log file's identity: its file key (device and inode on Linux), which finds it again after a
 * rename, and a hash of its head (the first line, at most {@value #MAX_HEAD} bytes), which tells
 * it apart from a new file that got the same inode and from itself after a truncation.
 *
 * @param complete the head is a whole first line or {@value #MAX_HEAD} bytes, so appending to the
 *                 file can no longer change it (not persisted: a restored file is re-read anyway)
 */
public record LogFile(String key, int headLength, String headHash, boolean complete) {

    static final int MAX_HEAD = 1024;

    /** The identity of the file open as {@code ch}, whose key is {@code key}. */
    static LogFile read(String key, FileChannel ch) throws IOException {
        byte[] head = new byte[MAX_HEAD];
        int n = readHead(ch, head);
        int len = n;
        for (int i = 0; i < n; i++) {
            if (head[i] == '\n') {
                len = i + 1;
                break;
            }
        }
        boolean complete = len == MAX_HEAD || len > 0 && head[len - 1] == '\n';
        return new LogFile(key, len, hash(head, len), complete);
    }

    /** True if the file open as {@code ch} still starts with this head. */
    boolean headMatches(FileChannel ch) throws IOException {
        byte[] head = new byte[headLength];
        return readHead(ch, head) == headLength && hash(head, headLength).equals(headHash);
    }

    private static int readHead(FileChannel ch, byte[] into) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(into);
        while (b.hasRemaining()) {
            if (ch.read(b, b.position()) <= 0) {
                break;
            }
        }
        return b.position();
    }

    private static String hash(byte[] b, int len) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(b, 0, len);
            return HexFormat.of().formatHex(md.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
