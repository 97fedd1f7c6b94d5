package dev.referee.sip;

import org.agrona.DirectBuffer;

/**
 * A window (offset, length) over bytes of a {@link DirectBuffer}, read as US-ASCII.
 * <p>
 * Views are flyweights: they are re-pointed with {@link #wrap} and never copy. As a {@link CharSequence}
 * a view can be handed to a regex {@code Matcher} or appended to a writer without creating a String.
 * Call {@link #toString()} only off the hot path (logs, tests): it allocates.
 */
public final class AsciiView implements CharSequence
{
    private DirectBuffer buffer;
    private int offset;
    private int length;
    /** True after {@link #reset()}: the view points at nothing, whatever {@link #buffer} still refers to. */
    private boolean detached = true;

    public AsciiView wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        // A reference store costs a GC write barrier (G1: card marking); views are re-wrapped over the same
        // receive buffer message after message, so store only when it changes (see docs/benchmarks.md).
        if (this.buffer != buffer)
        {
            this.buffer = buffer;
        }
        this.offset = offset;
        this.length = length;
        detached = false;
        return this;
    }

    public AsciiView wrap(final AsciiView other)
    {
        return other.detached ? reset() : wrap(other.buffer, other.offset, other.length);
    }

    /** Points at nothing: {@link #isEmpty()} becomes true. */
    public AsciiView reset()
    {
        // The buffer reference is kept (see wrap) but no longer reachable through this view.
        detached = true;
        offset = 0;
        length = 0;
        return this;
    }

    public DirectBuffer buffer()
    {
        return detached ? null : buffer;
    }

    public int offset()
    {
        return offset;
    }

    @Override
    public int length()
    {
        return length;
    }

    @Override
    public boolean isEmpty()
    {
        return length == 0;
    }

    public byte byteAt(final int index)
    {
        return buffer.getByte(offset + index);
    }

    @Override
    public char charAt(final int index)
    {
        return (char)(buffer.getByte(offset + index) & 0xFF);
    }

    @Override
    public CharSequence subSequence(final int start, final int end)
    {
        return new AsciiView().wrap(buffer, offset + start, end - start);
    }

    public boolean contentEquals(final CharSequence other)
    {
        if (other == null || other.length() != length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if ((buffer.getByte(offset + i) & 0xFF) != other.charAt(i))
            {
                return false;
            }
        }
        return true;
    }

    public boolean equalsIgnoreCase(final CharSequence other)
    {
        if (other == null || other.length() != length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (toLower(buffer.getByte(offset + i) & 0xFF) != toLower(other.charAt(i)))
            {
                return false;
            }
        }
        return true;
    }

    public boolean startsWith(final CharSequence prefix)
    {
        if (prefix.length() > length)
        {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++)
        {
            if ((buffer.getByte(offset + i) & 0xFF) != prefix.charAt(i))
            {
                return false;
            }
        }
        return true;
    }

    /** Content hash, the same as {@link #hashOf(CharSequence)} gives for equal text. */
    public int contentHash()
    {
        return hashOf(this);
    }

    /** Parses the whole view as a non-negative decimal; -1 when empty, not a number or over {@link Long#MAX_VALUE}. */
    public long parseLong()
    {
        if (length == 0 || length > 18)
        {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < length; i++)
        {
            final int c = buffer.getByte(offset + i);
            if (c < '0' || c > '9')
            {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** A copy of the bytes, for state that must outlive the receive buffer. */
    public byte[] toBytes()
    {
        final byte[] bytes = new byte[length];
        if (length > 0)
        {
            buffer.getBytes(offset, bytes);
        }
        return bytes;
    }

    @Override
    public String toString()
    {
        return length == 0 ? "" : buffer.getStringWithoutLengthAscii(offset, length);
    }

    public static int hashOf(final CharSequence text)
    {
        int hash = 0;
        for (int i = 0, n = text.length(); i < n; i++)
        {
            hash = 31 * hash + text.charAt(i);
        }
        return hash;
    }

    private static int toLower(final int c)
    {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }
}
