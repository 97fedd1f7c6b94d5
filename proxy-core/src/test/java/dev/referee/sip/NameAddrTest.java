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
