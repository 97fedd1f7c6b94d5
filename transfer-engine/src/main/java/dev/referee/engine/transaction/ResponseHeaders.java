package dev.referee.engine.transaction;

import dev.referee.sip.SipMessageWriter;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/**
 * The headers every response copies from its request (RFC 3261 §8.2.6.2), kept by the server transaction because
 * the request's bytes are gone once its ring slot is reused: one byte array holding, in order, the Vias and From
 * ({@code beforeTo}), the To value ({@code to}) and Call-ID and CSeq ({@code afterTo}), each part as it is written
 * in a response. Built by {@link ResponseHeadersWriter}; the top Via has {@code received} and the {@code rport}
 * value (RFC 3581 §4) when the client asked with {@code rport}.
 * <p>
 * Bytes rather than Strings: one array per transaction instead of a dozen Strings and builders, copied into each
 * response with one {@code putBytes}.
 */
public final class ResponseHeaders
{
    private final UnsafeBuffer bytes;
    private final int toOffset;
    private final int afterToOffset;
    private final boolean toHasTag;

    ResponseHeaders(final byte[] bytes, final int toOffset, final int afterToOffset, final boolean toHasTag)
    {
        this.bytes = new UnsafeBuffer(bytes);
        this.toOffset = toOffset;
        this.afterToOffset = afterToOffset;
        this.toHasTag = toHasTag;
    }

    /** Rebuilds headers a snapshot holds (TransactionSnapshots); the Strings hold one byte per char. */
    static ResponseHeaders restore(final String beforeTo, final String to, final boolean toHasTag, final String afterTo)
    {
        final byte[] bytes = (beforeTo + to + afterTo).getBytes(StandardCharsets.ISO_8859_1);
        return new ResponseHeaders(bytes, beforeTo.length(), beforeTo.length() + to.length(), toHasTag);
    }

    String beforeTo()
    {
        return text(0, toOffset);
    }

    String to()
    {
        return text(toOffset, afterToOffset);
    }

    String afterTo()
    {
        return text(afterToOffset, bytes.capacity());
    }

    /** Writes Via, From, To (with {@code localTag} when the request's To had no tag), Call-ID and CSeq. */
    public void write(final SipMessageWriter writer, final CharSequence localTag)
    {
        writer.append(bytes, 0, toOffset);
        writer.startHeader("To").append(bytes, toOffset, afterToOffset - toOffset);
        if (!toHasTag && localTag != null && localTag.length() > 0)
        {
            writer.append(";tag=").append(localTag);
        }
        writer.endHeader();
        writer.append(bytes, afterToOffset, bytes.capacity() - afterToOffset);
    }

    public boolean toHasTag()
    {
        return toHasTag;
    }

    private String text(final int from, final int to)
    {
        final byte[] part = new byte[to - from];
        bytes.getBytes(from, part);
        return new String(part, StandardCharsets.ISO_8859_1);
    }
}
