package dev.referee.engine.message;

import dev.referee.engine.snapshot.SnapshotWriter;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A copy of a message the engine sent and may have to send again (a retransmission, a response to a retransmitted
 * request, an ACK for a retransmitted 2xx). Taken from and given back to {@link MessageCopies}: the holder lets go of
 * it (and forgets it) when the message can no longer be needed. Engine thread only.
 */
public final class StoredMessage
{
    final UnsafeBuffer buffer;
    int length;

    StoredMessage(final byte[] bytes, final int length)
    {
        this.buffer = new UnsafeBuffer(bytes);
        this.length = length;
    }

    /** A copy restored from a snapshot; null for null. */
    public static StoredMessage of(final byte[] bytes)
    {
        return bytes == null ? null : new StoredMessage(bytes, bytes.length);
    }

    /** Writes {@code message} as {@link SnapshotWriter#writeBytes(byte[])} writes its bytes, without copying them. */
    public static void write(final StoredMessage message, final SnapshotWriter out)
    {
        if (message == null)
        {
            out.writeBytes(null);
        }
        else
        {
            out.writeBytes(message.buffer, 0, message.length);
        }
    }

    /** The message's bytes; null for null. */
    public static byte[] bytesOf(final StoredMessage message)
    {
        if (message == null)
        {
            return null;
        }
        final byte[] bytes = new byte[message.length];
        message.buffer.getBytes(0, bytes);
        return bytes;
    }

    public DirectBuffer buffer()
    {
        return buffer;
    }

    public int length()
    {
        return length;
    }

    /**
     * The stored message has a body: something follows the blank line that ends its headers. For deriving state at
     * restore (an offer in an INVITE or a 2xx kept here); not for the live path, which reads the parsed message.
     */
    public boolean hasBody()
    {
        for (int i = 0; i + 3 < length; i++)
        {
            if (buffer.getByte(i) == '\r' && buffer.getByte(i + 1) == '\n' && buffer.getByte(i + 2) == '\r' &&
                buffer.getByte(i + 3) == '\n')
            {
                return i + 4 < length;
            }
        }
        return false;
    }

    int capacity()
    {
        return buffer.capacity();
    }
}
