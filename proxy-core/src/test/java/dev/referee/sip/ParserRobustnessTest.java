package dev.referee.sip;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.referee.sip.sdp.SessionDescription;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Seeded random mutations of every corpus message: parse() and every view must never throw, and never read past
 * the bytes given (the buffer ends exactly there, so a read beyond would be an IndexOutOfBoundsException).
 */
class ParserRobustnessTest
{
    private static final int ITERATIONS = 20_000;
    private static final int LEAD = 5;

    @Test
    void shouldNeverThrowOrReadPastTheGivenBytesOnMutatedMessages()
    {
        final long seed = Long.getLong("referee.fuzz.seed", System.nanoTime());
        final Random random = new Random(seed);
        final List<byte[]> corpus = corpus();
        final SipMessage message = new SipMessage();
        final SessionDescription sdp = new SessionDescription();
        final SipMessageWriter writer = new SipMessageWriter();
        final UnsafeBuffer out = new UnsafeBuffer(new byte[64 * 1024]);
        final AsciiView view = new AsciiView();

        for (int i = 0; i < ITERATIONS; i++)
        {
            final byte[] original = corpus.get(random.nextInt(corpus.size()));
            final byte[] mutated = mutate(original, random);
            final byte[] framed = new byte[LEAD + mutated.length];
            System.arraycopy(mutated, 0, framed, LEAD, mutated.length);
            final UnsafeBuffer buffer = new UnsafeBuffer(framed);
            try
            {
                final boolean valid = message.parse(buffer, LEAD, mutated.length);
                assertTrue(message.length() <= mutated.length, "length past the input");
                touch(message, view);
                if (valid)
                {
                    sdp.wrap(buffer, message.bodyOffset(), message.bodyLength());
                }
                if (valid || message.canRespond())
                {
                    Responses.error(message, 400, "Bad Request", "fuzz", "referee", writer.wrap(out, 0));
                }
                final int skip = StreamFramer.leadingLineBreaks(buffer, LEAD, mutated.length);
                StreamFramer.frame(buffer, LEAD + skip, mutated.length - skip, 8192);
            }
            catch (final RuntimeException | AssertionError ex)
            {
                fail("seed " + seed + " iteration " + i + " (rerun with -Dreferee.fuzz.seed=" + seed + "): " + ex +
                    "\n---\n" + new String(mutated, java.nio.charset.StandardCharsets.ISO_8859_1), ex);
            }
        }
    }

    private static void touch(final SipMessage message, final AsciiView view)
    {
        for (int i = 0; i < message.headerCount(); i++)
        {
            message.headerName(i, view).contentHash();
            message.headerValue(i, view).contentHash();
        }
        message.topVia().branch().contentHash();
        message.topVia().param("rport", view);
        message.from().param("tag", view);
        message.to().uriView().param("lr", view);
        message.requestUriView().header("Route", view);
        message.requestUriView().param("transport", view);
        message.callId().contentHash();
        message.cseqMethodName().contentHash();
        message.contentType().contentHash();
        final NameAddr contact = message.contact();
        if (contact != null)
        {
            contact.param("expires", view);
        }
    }

    private static byte[] mutate(final byte[] original, final Random random)
    {
        byte[] bytes = original.clone();
        final int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations && bytes.length > 0; m++)
        {
            final int at = random.nextInt(bytes.length);
            switch (random.nextInt(5))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.nextInt(8));
                    break;
                case 1:
                    bytes = java.util.Arrays.copyOf(bytes, at);
                    break;
                case 2:
                    bytes[at] = interesting(random);
                    break;
                case 3:
                {
                    final byte[] longer = new byte[bytes.length + 1];
                    System.arraycopy(bytes, 0, longer, 0, at);
                    longer[at] = interesting(random);
                    System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
                    bytes = longer;
                    break;
                }
                default:
                {
                    final byte[] shorter = new byte[bytes.length - 1];
                    System.arraycopy(bytes, 0, shorter, 0, at);
                    System.arraycopy(bytes, at + 1, shorter, at, bytes.length - at - 1);
                    bytes = shorter;
                    break;
                }
            }
        }
        return bytes;
    }

    /** Bytes that the grammar gives meaning to, so that mutations reach the interesting branches. */
    private static byte interesting(final Random random)
    {
        final byte[] choices = {'\r', '\n', ' ', '\t', ':', ';', ',', '"', '\\', '<', '>', '[', ']', '@', '=', '?', '%',
            '/', '0', '9', 0, (byte)0xFF};
        return choices[random.nextInt(choices.length)];
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
