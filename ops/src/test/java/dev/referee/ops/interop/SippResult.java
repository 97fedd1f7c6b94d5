package dev.referee.ops.interop;

import java.nio.file.Path;

/**
 * Final statistics of a SIPp run: its exit code (0 = every call succeeded, 1 = at least one failed, 97 = exit on
 * internal command, 99 = no call processed, 255 = fatal) and the cumulative SuccessfulCall(C) / FailedCall(C)
 * columns of the last row of its -trace_stat CSV.
 */
record SippResult(String name, int exitCode, boolean timedOut, long successfulCalls, long failedCalls,
    String details)
{
    static final long UNKNOWN = -1;

    static SippResult read(final String name, final int exitCode, final boolean timedOut, final Path statFile,
        final String details)
    {
        final String csv = SippRun.read(statFile);
        return new SippResult(name, exitCode, timedOut, column(csv, "SuccessfulCall(C)"),
            column(csv, "FailedCall(C)"), details);
    }

    /** A cumulative counter from the last row of a SIPp statistics CSV (';'-separated, header first). */
    static long column(final String csv, final String header)
    {
        final String[] lines = csv.strip().split("\r?\n");
        if (lines.length < 2)
        {
            return UNKNOWN;
        }
        final String[] names = lines[0].split(";", -1);
        final String[] values = lines[lines.length - 1].split(";", -1);
        for (int i = 0; i < names.length && i < values.length; i++)
        {
            if (names[i].trim().equals(header))
            {
                try
                {
                    return Long.parseLong(values[i].trim());
                }
                catch (final NumberFormatException ex)
                {
                    return UNKNOWN;
                }
            }
        }
        return UNKNOWN;
    }

    boolean allSucceeded(final int expectedCalls)
    {
        return !timedOut && exitCode == 0 && failedCalls == 0 && successfulCalls == expectedCalls;
    }

    /** Fails with the SIPp logs unless exactly {@code expectedCalls} calls succeeded and none failed. */
    SippResult assertAllSucceeded(final int expectedCalls)
    {
        if (!allSucceeded(expectedCalls))
        {
            throw new AssertionError(name + ": expected " + expectedCalls + " successful calls and 0 failed, got "
                + successfulCalls + " successful, " + failedCalls + " failed, exit code " + exitCode
                + (timedOut ? " (did not finish in time, stopped)" : "") + "\n" + details);
        }
        return this;
    }

    @Override
    public String toString()
    {
        return name + ": exit " + exitCode + ", successful " + successfulCalls + ", failed " + failedCalls
            + (timedOut ? ", timed out" : "");
    }
}
