package dev.referee.sip;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeaderNameTest
{
    private static int lookup(final String name)
    {
        final UnsafeBuffer buffer = Corpus.text(name);
        return HeaderName.lookup(buffer, 0, buffer.capacity());
    }

    @Test
    void shouldFindEveryCanonicalNameInAnyCase()
    {
        for (int id = 1; id < HeaderName.COUNT; id++)
        {
            final String name = HeaderName.canonicalName(id);
            assertEquals(id, lookup(name), name);
            assertEquals(id, lookup(name.toUpperCase()), name);
            assertEquals(id, lookup(name.toLowerCase()), name);
        }
    }

    /** The array lookup reads a name a word at a time: followed by a colon and more, or ending the array. */
    @Test
    void shouldFindEveryNameInAnArrayWhereverItEnds()
    {
        for (int id = 1; id < HeaderName.COUNT; id++)
        {
            for (final String name : new String[] {HeaderName.canonicalName(id), HeaderName.canonicalName(id)
                .toUpperCase(), HeaderName.canonicalName(id).toLowerCase()})
            {
                final byte[] line = (" " + name + ": value of some length\r\n").getBytes(StandardCharsets.US_ASCII);
                assertEquals(id, HeaderName.lookup(line, 1, name.length()), name);
                final byte[] alone = (" " + name).getBytes(StandardCharsets.US_ASCII);
                assertEquals(id, HeaderName.lookup(alone, 1, name.length()), name);
                // Shorter or longer by a byte: whatever the buffer lookup says (a shortened "To" is the compact "T").
                assertEquals(lookup(name.substring(0, name.length() - 1)), HeaderName.lookup(line, 1, name.length() - 1));
                assertEquals(lookup(name + ":"), HeaderName.lookup(line, 1, name.length() + 1), name);
            }
        }
        final byte[] compact = "v: x\r\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals(HeaderName.VIA, HeaderName.lookup(compact, 0, 1));
        final byte[] unknown = "X-Proxy-Authorization-Extra: x".getBytes(StandardCharsets.US_ASCII);
        assertEquals(HeaderName.OTHER, HeaderName.lookup(unknown, 0, 27));
        assertEquals(HeaderName.PROXY_AUTHORIZATION, HeaderName.lookup(unknown, 2, 19));
    }

    /** The lookup of a name already read as two words agrees with the array lookup for every prefix of a line. */
    @Test
    void shouldFindANameGivenAsTwoWordsAsTheArrayLookupDoes()
    {
        for (int id = 1; id < HeaderName.COUNT; id++)
        {
            for (final String name : new String[] {HeaderName.canonicalName(id), HeaderName.canonicalName(id)
                .toUpperCase(), HeaderName.canonicalName(id).toLowerCase()})
            {
                final byte[] line = (name + ": value of some length\r\n").getBytes(StandardCharsets.US_ASCII);
                final long low = SipChars.getLong(line, 0);
                final long high = SipChars.getLong(line, Long.BYTES);
                for (int length = 1; length < 2 * Long.BYTES; length++)
                {
                    assertEquals(HeaderName.lookup(line, 0, length), HeaderName.lookup(low, high, length), name);
                }
                assertEquals(Math.min(name.length(), 2 * Long.BYTES), SipChars.colonOrLineFeed(low, high), name);
            }
        }
        final byte[] folded = "Via\n: x and more bytes".getBytes(StandardCharsets.US_ASCII);
        assertEquals(3, SipChars.colonOrLineFeed(SipChars.getLong(folded, 0), SipChars.getLong(folded, Long.BYTES)));
    }

    @Test
    void shouldFindCompactForms()
    {
        assertEquals(HeaderName.CALL_ID, lookup("i"));
        assertEquals(HeaderName.VIA, lookup("V"));
        assertEquals(HeaderName.FROM, lookup("f"));
        assertEquals(HeaderName.TO, lookup("t"));
        assertEquals(HeaderName.CONTACT, lookup("m"));
        assertEquals(HeaderName.CONTENT_LENGTH, lookup("L"));
        assertEquals(HeaderName.CONTENT_TYPE, lookup("c"));
        assertEquals(HeaderName.SUPPORTED, lookup("k"));
        assertEquals(HeaderName.SUBJECT, lookup("s"));
        assertEquals(HeaderName.CONTENT_ENCODING, lookup("e"));
        assertEquals(HeaderName.EVENT, lookup("o"));
        assertEquals(HeaderName.REFER_TO, lookup("r"));
        assertEquals(HeaderName.REFERRED_BY, lookup("b"));
        assertEquals(HeaderName.ALLOW_EVENTS, lookup("u"));
        assertEquals(HeaderName.SESSION_EXPIRES, lookup("x"));
        assertEquals(HeaderName.ACCEPT_CONTACT, lookup("a"));
        assertEquals(HeaderName.REJECT_CONTACT, lookup("J"));
        assertEquals(HeaderName.REQUEST_DISPOSITION, lookup("d"));
        assertEquals(HeaderName.IDENTITY, lookup("y"));
        assertEquals(HeaderName.IDENTITY_INFO, lookup("n"));
    }

    @Test
    void shouldReturnOtherForUnknownNames()
    {
        assertEquals(HeaderName.OTHER, lookup("C%6Fntact"));
        assertEquals(HeaderName.OTHER, lookup("z"));
        assertEquals(HeaderName.OTHER, lookup("Vias"));
        assertEquals(HeaderName.OTHER, lookup(""));
    }

    @Test
    void shouldSplitOnlyListHeaders()
    {
        assertTrue(HeaderName.isList(HeaderName.VIA));
        assertTrue(HeaderName.isList(HeaderName.ROUTE));
        assertTrue(HeaderName.isList(HeaderName.CONTACT));
        assertFalse(HeaderName.isList(HeaderName.DATE));
        assertFalse(HeaderName.isList(HeaderName.WWW_AUTHENTICATE));
        assertFalse(HeaderName.isList(HeaderName.OTHER));
        assertFalse(HeaderName.isList(HeaderName.CALL_ID));
    }
}
