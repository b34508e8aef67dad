package io.fleetban.agent.collect;

/** Where a {@link LogFollower} hands what it reads, all on the follower's thread. */
public interface LineSink {

    /** The lines that follow come from {@code file} and were read at {@code readAtMillis}. */
    void chunk(LogFile file, long readAtMillis);

    /**
     * One complete line in {@code buf[from, to)}, without its '\n' or "\r\n"; the next line starts
     * at byte {@code end} of the file. The buffer is reused once this returns.
     */
    void line(byte[] buf, int from, int to, long end);

    /** Every line before byte {@code offset} of {@code file} has been handed on. */
    void reached(LogPosition position);
}
