package io.fleetban.core.filter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The prefilter in front of every regular expression: does a line contain at least one of a few
 * fixed byte strings? One pass over the line, a 64 Ki-entry table keyed by each pair of adjacent
 * bytes says where a needle could start, so a line without any costs about one table lookup per
 * byte and no allocation.
 */
public final class NeedleSet {

    private final byte[][] needles;
    /** For each two-byte key, the needles starting with it (null when none). */
    private final byte[][][] byPair = new byte[1 << 16][][];

    public NeedleSet(List<byte[]> needles) {
        if (needles.isEmpty()) {
            throw new IllegalArgumentException("a needle set needs at least one needle");
        }
        List<List<byte[]>> table = new ArrayList<>();
        for (int i = 0; i < byPair.length; i++) {
            table.add(null);
        }
        for (byte[] n : needles) {
            if (n.length < 2) {
                throw new IllegalArgumentException("needles have at least two bytes");
            }
            int key = key(n[0], n[1]);
            if (table.get(key) == null) {
                table.set(key, new ArrayList<>());
            }
            table.get(key).add(n);
        }
        for (int i = 0; i < byPair.length; i++) {
            if (table.get(i) != null) {
                byPair[i] = table.get(i).toArray(new byte[0][]);
            }
        }
        this.needles = needles.toArray(new byte[0][]);
    }

    public static NeedleSet of(String... ascii) {
        return new NeedleSet(Arrays.stream(ascii).map(AsciiBytes::bytes).toList());
    }

    /** Whether {@code b[from, to)} contains one of the needles. */
    public boolean foundIn(byte[] b, int from, int to) {
        for (int i = from; i < to - 1; i++) {
            byte[][] candidates = byPair[key(b[i], b[i + 1])];
            if (candidates != null) {
                for (byte[] n : candidates) {
                    if (AsciiBytes.startsWith(b, i, to, n)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    public int size() {
        return needles.length;
    }

    private static int key(byte a, byte b) {
        return ((a & 0xff) << 8) | (b & 0xff);
    }
}
