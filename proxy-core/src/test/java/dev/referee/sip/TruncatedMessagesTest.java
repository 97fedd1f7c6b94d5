package dev.referee.sip;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.referee.sip.sdp.SessionDescription;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every corpus message (RFC 4475, RFC 5118) cut at every length: the parser reads byte arrays directly (see
 * {@link ByteAccess}), so this proves that it never reads past the length it is given. Each prefix is parsed three
 * ways, which must agree: in an array that ends exactly there (a read past it throws), in an array with junk before
 * and after it (a read past it would change the result), and in direct memory (the copying path).
 */
class TruncatedMessagesTest
{
    private static final int LEAD = 3;
    private static final byte[] JUNK_AFTER =
        "\r\n\r\nVia: SIP/2.0/UDP junk;branch=z9hG4bKjunk, x\r\nContent-Length: 99\r\n\"<;=@?>\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    private final SipMessage message = new SipMessage();
    private final SessionDescription sdp = new SessionDescription();
    private final AsciiView view = new AsciiView();

    @Test
    void shouldGiveTheSameResultForEveryPrefixWhateverFollowsIt()
    {
        for (final byte[] full : corpus())
        {
            for (int length = 0; length <= full.length; length++)
            {
                final byte[] prefix = Arrays.copyOf(full, length);
                final String exact = outcome(new UnsafeBuffer(prefix), 0, length, prefix);
                final String padded = outcome(padded(prefix), LEAD, length, prefix);
                final String direct = outcome(direct(prefix), 0, length, prefix);
                assertEquals(exact, padded, "junk after the limit changed the result");
                assertEquals(exact, direct, "direct memory gave another result");
            }
        }
    }

    @Test
    void shouldReadSdpBodiesCutAtEveryLengthWithinTheirLimit()
    {
        for (final byte[] full : corpus())
        {
            if (!message.parse(new UnsafeBuffer(full), 0, full.length) || message.bodyLength() == 0)
            {
                continue;
            }
            final int bodyOffset = message.bodyOffset();
            final byte[] body = Arrays.copyOfRange(full, bodyOffset, bodyOffset + message.bodyLength());
            for (int length = 0; length <= body.length; length++)
            {
                final byte[] prefix = Arrays.copyOf(body, length);
                final String exact = sdpOutcome(new UnsafeBuffer(prefix), 0, length, prefix);
                assertEquals(exact, sdpOutcome(padded(prefix), LEAD, length, prefix), "junk after the SDP limit");
                assertEquals(exact, sdpOutcome(direct(prefix), 0, length, prefix), "SDP in direct memory");
            }
        }
    }

    /** Everything parse() and the views tell, as text, so that three parses can be compared. */
    private String outcome(final DirectBuffer buffer, final int offset, final int length, final byte[] prefix)
    {
        try
        {
            final boolean valid = message.parse(buffer, offset, length);
            final StringBuilder sb = new StringBuilder();
            sb.append(valid).append('|').append(message.errorReason()).append('|').append(message.length())
                .append('|').append(message.canRespond()).append('|').append(message.statusCode())
                .append('|').append(message.methodName()).append('|').append(message.requestUri());
            for (int i = 0; i < message.headerCount(); i++)
            {
                sb.append('|').append(message.headerId(i)).append(':').append(message.headerName(i, view))
                    .append('=').append(message.headerValue(i, view));
            }
            sb.append('|').append(message.topVia().branch()).append('|').append(message.topVia().param("rport", view))
                .append('|').append(message.from().tag()).append('|').append(message.to().tag())
                .append('|').append(message.to().uriView().param("lr", view))
                .append('|').append(message.requestUriView().host()).append(message.requestUriView().port())
                .append('|').append(message.requestUriView().header("Route", view))
                .append('|').append(message.callId()).append('|').append(message.cseqNumber())
                .append('|').append(message.maxForwards()).append('|').append(message.contentType())
                .append('|').append(message.bodyOffset() - offset).append('|').append(message.bodyLength());
            final NameAddr contact = message.contact();
            if (contact != null)
            {
                sb.append('|').append(contact.uri()).append(contact.param("expires", view));
            }
            return sb.toString();
        }
        catch (final RuntimeException ex)
        {
            return fail("threw on " + length + " bytes: " + ex + "\n---\n" + text(prefix), ex);
        }
    }

    private String sdpOutcome(final DirectBuffer buffer, final int offset, final int length, final byte[] prefix)
    {
        try
        {
            final boolean valid = sdp.wrap(buffer, offset, length);
            return valid + "|" + sdp.connectionAddress() + "|" + sdp.mediaCount() + "|" +
                (sdp.mediaCount() > 0 ? sdp.mediaPort(0) + "|" + sdp.mediaDirection(0) + "|" +
                sdp.attribute(0, "rtpmap", view) + view : "") + "|" + sdp.originAddress() + "|" + sdp.direction();
        }
        catch (final RuntimeException ex)
        {
            return fail("SDP threw on " + length + " bytes: " + ex + "\n---\n" + text(prefix), ex);
        }
    }

    private static UnsafeBuffer padded(final byte[] prefix)
    {
        final byte[] padded = new byte[LEAD + prefix.length + JUNK_AFTER.length];
        Arrays.fill(padded, 0, LEAD, (byte)'X');
        System.arraycopy(prefix, 0, padded, LEAD, prefix.length);
        System.arraycopy(JUNK_AFTER, 0, padded, LEAD + prefix.length, JUNK_AFTER.length);
        return new UnsafeBuffer(padded);
    }

    private static UnsafeBuffer direct(final byte[] prefix)
    {
        final ByteBuffer memory = ByteBuffer.allocateDirect(prefix.length);
        memory.put(prefix).flip();
        return new UnsafeBuffer(memory);
    }

    private static String text(final byte[] bytes)
    {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static List<byte[]> corpus()
    {
        final List<byte[]> corpus = new ArrayList<>();
        for (final String file : Corpus.files("rfc4475", "MANIFEST.tsv"))
        {
            corpus.add(Corpus.bytes("rfc4475/" + file));
        }
        for (final Corpus.Row row : Corpus.expected("rfc5118"))
        {
            corpus.add(Corpus.bytes("rfc5118/" + row.file()));
        }
        return corpus;
    }
}
