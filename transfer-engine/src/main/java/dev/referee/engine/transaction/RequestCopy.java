package dev.referee.engine.transaction;

import dev.referee.engine.snapshot.SnapshotWriter;
import dev.referee.sip.SipMessageWriter;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/**
 * What a server transaction keeps of its request, whose bytes are gone once its ring slot is reused: its RFC 3261
 * §17.2.3 key ({@link ServerTransactions}) and the headers every response copies from it (RFC 3261 §8.2.6.2). One
 * buffer holds, in order, the key, the Vias and From ({@code beforeTo}), the To value ({@code to}) and Call-ID and
 * CSeq ({@code afterTo}), each header part as it is written in a response; the top Via has {@code received} and the
 * {@code rport} value (RFC 3581 §4) when the client asked with {@code rport}. Filled by {@link RequestCopier}.
 * <p>
 * Bytes rather than Strings: one buffer instead of a dozen Strings and builders, copied into each response with one
 * {@code putBytes}. Reused: the copier takes it back when its transaction terminates (nothing is sent on it after
 * that, and it is no longer found by its key) and fills it for a later one; the buffer only ever grows.
 */
final class RequestCopy
{
    private final UnsafeBuffer bytes;
    private int length;
    private int keyLength;
    /** The key's hash, as {@link ServerTransactions} holds it: kept here, in the reused copy, not per transaction. */
    private long keyHash;
    /** Where the From line starts: From, Call-ID and CSeq tell a merged request (RFC 3261 §8.2.2.2). */
    private int fromOffset;
    /** The hash of the From line and the Call-ID and CSeq lines ({@link #sameOrigin}). */
    private long originHash;
    private int toOffset;
    private int afterToOffset;
    private boolean toHasTag;

    RequestCopy(final int capacity)
    {
        bytes = new UnsafeBuffer(new byte[capacity]);
    }

    /** Rebuilds what a snapshot holds (TransactionSnapshots); the Strings hold one byte per char. */
    static RequestCopy restore(final String key, final String beforeTo, final String to, final boolean toHasTag,
        final String afterTo)
    {
        final byte[] text = (key + beforeTo + to + afterTo).getBytes(StandardCharsets.ISO_8859_1);
        final int toOffset = key.length() + beforeTo.length();
        // The From line follows the Vias (RequestCopier writes it last before To).
        final int fromLine = beforeTo.lastIndexOf("\r\nFrom: ");
        final int fromOffset = key.length() + (fromLine < 0 ? 0 : fromLine + 2);
        final RequestCopy copy = new RequestCopy(Math.max(1, text.length));
        copy.fill(new UnsafeBuffer(text), text.length, key.length(), fromOffset, toOffset, toOffset + to.length(),
            toHasTag);
        return copy;
    }

    /** Takes {@code length} bytes of {@code source}: the key, then the headers at the offsets given. */
    void fill(final DirectBuffer source, final int length, final int keyLength, final int fromOffset,
        final int toOffset, final int afterToOffset, final boolean toHasTag)
    {
        if (bytes.capacity() < length)
        {
            bytes.wrap(new byte[Math.max(length, 2 * bytes.capacity())]);
        }
        bytes.putBytes(0, source, 0, length);
        this.length = length;
        this.keyLength = keyLength;
        this.fromOffset = fromOffset;
        this.toOffset = toOffset;
        this.afterToOffset = afterToOffset;
        this.toHasTag = toHasTag;
        this.keyHash = ServerTransactions.hash(bytes, keyLength);
        this.originHash = ServerTransactions.hash(bytes, fromOffset, toOffset,
            ServerTransactions.hash(bytes, afterToOffset, length, ServerTransactions.FNV_OFFSET));
    }

    /** The hash of what {@link #sameOrigin} compares. */
    long originHash()
    {
        return originHash;
    }

    /**
     * True when {@code other} has the same From (tag included), Call-ID and CSeq (number and method) as this copy: the
     * same request, whatever its branch (RFC 3261 §8.2.2.2). Byte for byte: a merged request is one request that
     * took two paths, which leave these headers as they are.
     */
    boolean sameOrigin(final RequestCopy other)
    {
        return originHash == other.originHash &&
            sameBytes(other, fromOffset, toOffset, other.fromOffset, other.toOffset) &&
            sameBytes(other, afterToOffset, length, other.afterToOffset, other.length);
    }

    /** Bytes {@code from} to {@code to} here are bytes {@code otherFrom} to {@code otherTo} of {@code other}. */
    private boolean sameBytes(final RequestCopy other, final int from, final int to, final int otherFrom,
        final int otherTo)
    {
        if (to - from != otherTo - otherFrom)
        {
            return false;
        }
        for (int i = 0; i < to - from; i++)
        {
            if (bytes.getByte(from + i) != other.bytes.getByte(otherFrom + i))
            {
                return false;
            }
        }
        return true;
    }

    /** The key's hash, as {@link ServerTransactions} holds it. */
    long keyHash()
    {
        return keyHash;
    }

    /** The buffer whose first {@link #keyLength()} bytes are the key. */
    DirectBuffer keyBytes()
    {
        return bytes;
    }

    int keyLength()
    {
        return keyLength;
    }

    /** Puts the copy under another hash: tests hold two keys under one with it. */
    void keyHash(final long keyHash)
    {
        this.keyHash = keyHash;
    }

    /** True when the key is the {@code length} bytes of {@code key}. */
    boolean keyEquals(final DirectBuffer key, final int length)
    {
        if (length != keyLength)
        {
            return false;
        }
        final DirectBuffer mine = bytes;
        for (int i = 0; i < length; i++)
        {
            if (mine.getByte(i) != key.getByte(i))
            {
                return false;
            }
        }
        return true;
    }

    boolean keyEquals(final RequestCopy other)
    {
        return keyEquals(other.bytes, other.keyLength);
    }

    /** The key as text, one char per byte, as the String-keyed version held it (snapshots order and write it). */
    String key()
    {
        return text(0, keyLength);
    }

    String beforeTo()
    {
        return text(keyLength, toOffset);
    }

    String to()
    {
        return text(toOffset, afterToOffset);
    }

    String afterTo()
    {
        return text(afterToOffset, length);
    }

    /** What a snapshot writes of {@link #key()}, {@link #beforeTo()}, {@link #to()} and {@link #afterTo()}, without the Strings. */
    void writeKey(final SnapshotWriter out)
    {
        out.writeLatin1(bytes, 0, keyLength);
    }

    void writeBeforeTo(final SnapshotWriter out)
    {
        out.writeLatin1(bytes, keyLength, toOffset - keyLength);
    }

    void writeTo(final SnapshotWriter out)
    {
        out.writeLatin1(bytes, toOffset, afterToOffset - toOffset);
    }

    void writeAfterTo(final SnapshotWriter out)
    {
        out.writeLatin1(bytes, afterToOffset, length - afterToOffset);
    }

    boolean toHasTag()
    {
        return toHasTag;
    }

    /** Writes Via, From, To (with {@code localTag} when the request's To had no tag), Call-ID and CSeq. */
    void writeResponseHeaders(final SipMessageWriter writer, final CharSequence localTag)
    {
        final DirectBuffer buffer = bytes;
        writer.append(buffer, keyLength, toOffset - keyLength);
        writer.startHeader("To").append(buffer, toOffset, afterToOffset - toOffset);
        if (!toHasTag && localTag != null && localTag.length() > 0)
        {
            writer.append(";tag=").append(localTag);
        }
        writer.endHeader();
        writer.append(buffer, afterToOffset, length - afterToOffset);
    }

    private String text(final int from, final int to)
    {
        final byte[] part = new byte[to - from];
        bytes.getBytes(from, part);
        return new String(part, StandardCharsets.ISO_8859_1);
    }
}
