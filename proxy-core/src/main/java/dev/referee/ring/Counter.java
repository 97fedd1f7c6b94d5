package dev.referee.ring;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A count with one writer thread and any number of readers (admin /status).
 * <p>
 * The writer increments with a release store instead of an atomic add: no lock prefix on the hot path, and a
 * reader on another thread still sees a recent value. Two threads must never write the same counter: give each
 * writer thread its own and sum on read.
 */
public final class Counter
{
    private static final VarHandle VALUE;

    static
    {
        try
        {
            VALUE = MethodHandles.lookup().findVarHandle(Counter.class, "value", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    @SuppressWarnings("unused")
    private volatile long value;

    /** Writer thread only. */
    public void increment()
    {
        VALUE.setRelease(this, (long)VALUE.get(this) + 1);
    }

    /** Writer thread only. */
    public void add(final long delta)
    {
        VALUE.setRelease(this, (long)VALUE.get(this) + delta);
    }

    /** Any thread. */
    public long get()
    {
        return value;
    }

    public String toString()
    {
        return Long.toString(value);
    }
}
