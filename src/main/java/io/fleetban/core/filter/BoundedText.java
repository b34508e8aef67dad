package io.fleetban.core.filter;

/**
 * A log line as the regular-expression engine reads it: the bytes as ISO-8859-1 characters (the
 * structure filters look for is ASCII; anything else passes through one-to-one), without copying,
 * and with a budget of character reads. java.util.regex backtracks, and a badly written or hostile
 * pattern can take exponential time on a crafted line; when the budget is spent the read throws
 * {@link Exhausted} and the caller treats the line as not matching, so one line can never stall
 * the agent.
 */
public final class BoundedText implements CharSequence {

    /** Reads allowed per byte of line, on top of {@link #BASE_BUDGET}. */
    public static final int BUDGET_PER_BYTE = 256;
    public static final int BASE_BUDGET = 100_000;

    /** Thrown (pre-allocated, no stack trace) when a line has used up its budget. */
    public static final class Exhausted extends RuntimeException {
        private Exhausted() {
            super("regular expression step budget exhausted", null, false, false);
        }
    }

    private static final Exhausted EXHAUSTED = new Exhausted();

    private final byte[] b;
    private final int from;
    private final int length;
    /** Index (in this text) where a cut-out part of the line was, and how long it was. */
    private final int cutAt;
    private final int cutLength;
    private long budget;

    public BoundedText(byte[] b, int from, int to) {
        this(b, from, to, to, to);
    }

    /** The line {@code b[from, to)} without {@code b[cutFrom, cutTo)} (fail2ban cuts the date out). */
    public BoundedText(byte[] b, int from, int to, int cutFrom, int cutTo) {
        this.b = b;
        this.from = from;
        this.cutAt = cutFrom - from;
        this.cutLength = cutTo - cutFrom;
        this.length = to - from - cutLength;
        this.budget = BASE_BUDGET + (long) BUDGET_PER_BYTE * length;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public char charAt(int index) {
        if (--budget < 0) {
            throw EXHAUSTED;
        }
        return (char) (b[from + (index < cutAt ? index : index + cutLength)] & 0xff);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return toString().substring(start, end);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append((char) (b[from + (i < cutAt ? i : i + cutLength)] & 0xff));
        }
        return s.toString();
    }
}
