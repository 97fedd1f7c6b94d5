package dev.referee.journal;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What an output-digest record keeps of a message: first line, Call-ID, length, and a hash any change alters. */
class OutputDigestTest
{
    private static final String INVITE = "INVITE sip:bob@192.0.2.7:5062 SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1\r\n" +
        "From: <sip:alice@example.com>;tag=1\r\n" +
        "To: <sip:bob@example.com>\r\n" +
        "Call-ID: 5f2d@referee\r\n" +
        "CSeq: 1 INVITE\r\n" +
        "Content-Type: text/plain\r\n" +
        "Content-Length: 21\r\n" +
        "\r\n" +
        "Call-ID: not-a-header";

    @Test
    void shouldKeepTheFirstLineAndTheCallIdOfAMessageSentThroughTheJournalSender()
    {
        final MemorySink sink = new MemorySink();
        final InetSocketAddress bob = new InetSocketAddress("192.0.2.7", 5062);
        final JournalSender sender = new JournalSender((transport, to, connection, buffer, offset, length) -> true,
            sink, OutputRecords.DIGEST);
        sender.inputTimeNs(42);
        final byte[] bytes = INVITE.getBytes(StandardCharsets.US_ASCII);
        final UnsafeBuffer framed = new UnsafeBuffer(new byte[bytes.length + 10]);
        framed.putBytes(7, bytes);
        sender.send(0, bob, 3, framed, 7, bytes.length);

        final JournalRecord digest = JournalDecoder.decode(sink.records().poll());
        assertEquals(RecordType.OUTPUT_DIGEST, digest.type);
        assertEquals(42, digest.timeNs);
        assertEquals(bob, digest.peer);
        assertEquals(3, digest.connectionId);
        assertEquals("INVITE sip:bob@192.0.2.7:5062 SIP/2.0", digest.firstLine());
        assertEquals("5f2d@referee", digest.sipCallId);
        assertEquals(bytes.length, digest.messageLength);
        assertEquals(OutputDigest.hash(new UnsafeBuffer(bytes), 0, bytes.length), digest.messageHash);
        assertNull(digest.message, "no bytes kept");
        assertTrue(digest.raw.length < bytes.length / 2, "a digest of " + digest.raw.length + " bytes");
        assertTrue(digest.toString().contains("len=" + bytes.length + " hash="), digest.toString());
    }

    @Test
    void shouldFindTheCallIdByItsCompactFormAndInAnyCase()
    {
        assertEquals("abc", callId("BYE sip:a SIP/2.0\r\nVia: x\r\ni: abc\r\n\r\n"));
        assertEquals("abc", callId("BYE sip:a SIP/2.0\r\nCALL-id :  abc  \r\n\r\n"));
        assertEquals("", callId("SIP/2.0 200 OK\r\nVia: x\r\n\r\nCall-ID: in-the-body\r\n"));
        assertEquals("", callId("SIP/2.0 200 OK"));
        assertEquals("x@y", callId("SIP/2.0 200 OK\nCall-ID:x@y\n\n"));
    }

    /**
     * The Call-ID found wherever its line falls against the eight-byte words the scan reads, in a message at any
     * offset of its buffer, after headers that start with the same letters.
     */
    @Test
    void shouldFindTheCallIdWhereverItsLineFalls()
    {
        for (int padding = 0; padding < 17; padding++)
        {
            for (int at = 0; at < 9; at++)
            {
                final String message = "BYE sip:a SIP/2.0\r\nVia: " + "x".repeat(padding) + "\r\nContact: <sip:c>\r\n" +
                    "Call-Info: <http://c>\r\nIn-Reply-To: 1@c\r\ncall-id: id-" + padding + "\r\nCSeq: 1 BYE\r\n\r\n";
                final byte[] bytes = message.getBytes(StandardCharsets.US_ASCII);
                final UnsafeBuffer framed = new UnsafeBuffer(new byte[bytes.length + 9]);
                framed.putBytes(at, bytes);
                final long found = OutputDigest.callIdValue(framed, at, bytes.length);
                assertEquals("id-" + padding, new String(bytes, (int)(found >>> 32), (int)found,
                    StandardCharsets.US_ASCII), "padding " + padding + ", at " + at);
            }
        }
        assertEquals("", callId("BYE sip:a SIP/2.0\r\nVia: x\r\nContact: <sip:c>\r\nIn-Reply-To: 1@c\r\n\r\n"));
    }

    @Test
    void shouldChangeTheHashWithAnyByteOrTheLength()
    {
        final byte[] bytes = INVITE.getBytes(StandardCharsets.US_ASCII);
        final Set<Long> hashes = new HashSet<>();
        hashes.add(OutputDigest.hash(new UnsafeBuffer(bytes), 0, bytes.length));
        for (int i = 0; i < bytes.length; i++)
        {
            final byte[] changed = bytes.clone();
            changed[i] ^= 1;
            hashes.add(OutputDigest.hash(new UnsafeBuffer(changed), 0, changed.length));
        }
        assertEquals(bytes.length + 1, hashes.size(), "one hash per message");
        assertNotEquals(OutputDigest.hash(new UnsafeBuffer(new byte[8]), 0, 8),
            OutputDigest.hash(new UnsafeBuffer(new byte[9]), 0, 9), "trailing zeros count");
    }

    @Test
    void shouldKeepTheHashFunctionOfTheJournalFormat()
    {
        // The function is part of the format (journals written before a change must still replay): fixed values.
        assertEquals(0xd27cba6fa9910a30L, OutputDigest.hash(new UnsafeBuffer(new byte[0]), 0, 0));
        final byte[] ok = "SIP/2.0 200 OK\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0xfee5e88c0b813b5cL, OutputDigest.hash(new UnsafeBuffer(ok), 0, ok.length));
    }

    private static String callId(final String message)
    {
        final byte[] bytes = message.getBytes(StandardCharsets.US_ASCII);
        final long at = OutputDigest.callIdValue(new UnsafeBuffer(bytes), 0, bytes.length);
        return new String(bytes, (int)(at >>> 32), (int)at, StandardCharsets.US_ASCII);
    }
}
