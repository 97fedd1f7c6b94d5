package dev.referee.sip;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NameAddrTest
{
    private final NameAddr nameAddr = new NameAddr();

    private boolean wrap(final String text)
    {
        final UnsafeBuffer buffer = Corpus.text(text);
        return nameAddr.wrap(buffer, 0, buffer.capacity());
    }

    @Test
    void shouldReadQuotedDisplayNameUriAndTag()
    {
        assertTrue(wrap("\"Alice \\\"A\\\" Smith\" <sip:alice@example.com;transport=tcp>;tag=1928301774;x"));
        assertEquals("\"Alice \\\"A\\\" Smith\"", nameAddr.displayName().toString());
        assertEquals("sip:alice@example.com;transport=tcp", nameAddr.uri().toString());
        assertEquals("1928301774", nameAddr.tag().toString());
        assertEquals(";tag=1928301774;x", nameAddr.params().toString());
        final AsciiView value = new AsciiView();
        assertTrue(nameAddr.uriView().param("transport", value));
        assertEquals("tcp", value.toString());
        assertTrue(nameAddr.param("x", value));
        assertTrue(value.isEmpty());
    }

    @Test
    void shouldReadTokenDisplayNames()
    {
        assertTrue(wrap("Bob Jones <sip:bob@example.com>"));
        assertEquals("Bob Jones", nameAddr.displayName().toString());
        assertTrue(wrap("caller<sip:caller@example.com>"));
        assertEquals("caller", nameAddr.displayName().toString());
    }

    @Test
    void shouldGiveParametersOfABareAddrSpecToTheHeader()
    {
        assertTrue(wrap("sip:carol@example.com;tag=abc;user=phone"));
        assertEquals("sip:carol@example.com", nameAddr.uri().toString());
        assertEquals("abc", nameAddr.tag().toString());
        assertTrue(nameAddr.uriView().params().isEmpty());
        assertTrue(nameAddr.displayName().isEmpty());
    }

    @Test
    void shouldForgetThePreviousUriWhenAValueIsMalformed()
    {
        assertTrue(wrap("<sip:alice@example.com>"));
        assertFalse(wrap("1a-8e3b0c9f2d4e4bK7"));
        assertTrue(nameAddr.uriView().host().isEmpty(), "the URI of the value before");
        assertFalse(nameAddr.uriView().isSip());
    }

    /** The URI view is emptied only for a value that fails before its URI; one that reaches it wraps it anyway. */
    @Test
    void shouldShowTheUriOfTheLastValueOnlyWhenThatValueReachedIt()
    {
        for (final String malformed : new String[] {"\"unterminated <sip:a@b>", "<sip:a@b", "", "   ", "name only"})
        {
            assertTrue(wrap("\"Alice\" <sip:alice@example.com:5062>;tag=1"));
            assertEquals(5062, nameAddr.uriView().port());
            assertFalse(wrap(malformed), malformed);
            assertTrue(nameAddr.uriView().value().isEmpty(), malformed);
            assertTrue(nameAddr.uriView().host().isEmpty(), malformed);
            assertEquals(-1, nameAddr.uriView().port(), malformed);
        }
        assertTrue(wrap("<sip:alice@example.com>"));
        assertFalse(wrap("<sip:bob@host:99999>"), "a URI that fails is still the view's last value");
        assertEquals("sip:bob@host:99999", nameAddr.uriView().value().toString());
        assertEquals("bob", nameAddr.uriView().user().toString());
        assertTrue(wrap("sip:carol@example.org;tag=7"));
        assertEquals("example.org", nameAddr.uriView().host().toString());
        assertEquals("7", nameAddr.tag().toString());
    }

    /** The pass that checks the URI's bytes also finds its '>'; any other byte it stops at sends it the general way. */
    @Test
    void shouldReadTheBracketedUriWhereverTheScanStops()
    {
        assertTrue(wrap("<sip:a@host?h=%41&x>;tag=1"));
        assertEquals("sip:a@host?h=%41&x", nameAddr.uri().toString());
        assertEquals("h=%41&x", nameAddr.uriView().headers().toString());
        assertEquals("1", nameAddr.tag().toString());
        assertTrue(wrap("<sip:host>"), "the '>' is the last byte of the buffer");
        assertEquals("host", nameAddr.uriView().host().toString());
        assertFalse(wrap("<sip:a b@host>;tag=1"), "a space inside the brackets");
        assertEquals("sip:a b@host", nameAddr.uriView().value().toString());
        assertEquals("sip:a b@host", nameAddr.uri().toString());
        assertFalse(wrap("<sip:a@host;x=\"q\">"), "a quote inside the brackets");
        assertEquals("sip:a@host;x=\"q\"", nameAddr.uriView().value().toString());
        assertFalse(wrap("<sip:a@<host>"));
        assertEquals("sip:a@<host", nameAddr.uri().toString());
        assertFalse(wrap("<sip:a@host"), "no '>' at all");
        assertTrue(nameAddr.uriView().value().isEmpty());
        assertTrue(nameAddr.uri().isEmpty());
        assertFalse(wrap("<sip:a@host\t"), "no '>' after a byte no URI holds");
        assertTrue(nameAddr.uriView().value().isEmpty());
        assertFalse(wrap("<>"));
        assertTrue(nameAddr.uriView().value().isEmpty());
        assertFalse(nameAddr.uriView().isSip());
        assertTrue(wrap("<sip:a@host:5060>"));
        assertFalse(wrap("<sip:a@host:70000>"));
        assertEquals("a", nameAddr.uriView().user().toString());
    }

    @Test
    void shouldAcceptUnknownSchemes()
    {
        assertTrue(wrap("<http://www.example.com>;tag=1"));
        assertFalse(nameAddr.uriView().isSip());
        assertEquals("http", nameAddr.uriView().scheme().toString());
    }

    @Test
    void shouldRejectMalformedValues()
    {
        assertFalse(wrap("\"unterminated <sip:a@b>"));
        assertFalse(wrap("<sip:a@b"));
        assertFalse(wrap("< sip:a@b >"));
        assertFalse(wrap("Bell, Alexander <sip:a@b>"));
        assertFalse(wrap("sip:user@example.com?Route=x"));
        assertFalse(wrap("<sip:a@b>;;"));
        assertFalse(wrap("<sip:a@b> trailing"));
        assertFalse(wrap(""));
    }
}
