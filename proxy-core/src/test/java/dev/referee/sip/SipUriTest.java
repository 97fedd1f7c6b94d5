package dev.referee.sip;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SipUriTest
{
    private final SipUri uri = new SipUri();
    private final AsciiView value = new AsciiView();

    private boolean wrap(final String text)
    {
        final UnsafeBuffer buffer = Corpus.text(text);
        return uri.wrap(buffer, 0, buffer.capacity());
    }

    /** "sip:" is matched as one word where eight bytes can be read; a short URI and other schemes go letter by letter. */
    @Test
    void shouldReadTheSipSchemeTheSameWhateverItsCaseOrLength()
    {
        for (final String text : new String[] {"sip:alice@example.com;transport=tcp", "SIP:alice@example.com",
            "Sip:h", "sIp:a@h", "sip:h:5", "sip:a@b"})
        {
            assertTrue(wrap(text), text);
            assertTrue(uri.isSip(), text);
            assertFalse(uri.isSips(), text);
            assertEquals(text.substring(0, 3), uri.scheme().toString(), text);
            assertEquals(text.substring(4).replace("alice@", "").replace("a@", "").replaceAll("[:;].*", ""),
                uri.host().toString(), text);
        }
        assertFalse(wrap("sip:"));
        assertFalse(wrap("sip:@h"));
        assertTrue(wrap("sips:alice@example.com") && uri.isSips());
        assertTrue(wrap("sipx:alice@example.com") && !uri.isSip());
        assertTrue(wrap("tel:+15550100") && uri.isTel());
    }

    @Test
    void shouldTellWhenAHeaderEscapesAControlCharacter()
    {
        assertTrue(wrap("sip:carol@example.com?Replaces=abc%0D%0AX%3A%201") && uri.headersEscapeControlCharacters());
        assertTrue(wrap("sip:carol@example.com?Subject=a&Priority=%7f") && uri.headersEscapeControlCharacters());
        assertTrue(wrap("sip:carol@example.com?Subject=%00") && uri.headersEscapeControlCharacters());
        assertTrue(wrap("sip:carol@example.com?Subject=hello%20there%25%0A%") && uri.headersEscapeControlCharacters());
        assertTrue(wrap("sip:carol@example.com?Subject=hello%20there%250D") && !uri.headersEscapeControlCharacters());
        assertTrue(wrap("sip:carol%0D@example.com;x=%0A") && !uri.headersEscapeControlCharacters(), "no headers");
    }

    @Test
    void shouldReadEveryPartOfASipUri()
    {
        assertTrue(wrap("sip:alice:secret@atlanta.example.com:5070;transport=tcp;lr?subject=project&priority=urgent"));
        assertTrue(uri.isSip());
        assertFalse(uri.isSips());
        assertEquals("alice", uri.user().toString());
        assertEquals("secret", uri.password().toString());
        assertEquals("atlanta.example.com", uri.host().toString());
        assertEquals(5070, uri.port());
        assertEquals(";transport=tcp;lr", uri.params().toString());
        assertTrue(uri.param("lr", value));
        assertTrue(value.isEmpty());
        assertTrue(uri.param("TRANSPORT", value));
        assertEquals("tcp", value.toString());
        assertEquals("subject=project&priority=urgent", uri.headers().toString());
        assertTrue(uri.header("priority", value));
        assertEquals("urgent", value.toString());
        assertFalse(uri.header("to", value));
    }

    @Test
    void shouldReadSipsWithIpv6Host()
    {
        assertTrue(wrap("SIPS:[2001:db8::1]:5061"));
        assertTrue(uri.isSips());
        assertTrue(uri.isSip());
        assertTrue(uri.user().isEmpty());
        assertEquals("[2001:db8::1]", uri.host().toString());
        assertEquals(5061, uri.port());
        assertFalse(wrap("sip:[2001:db8::1"));
        assertFalse(wrap("sip:[2001:db8:::1]"));
    }

    @Test
    void shouldKeepEscapesInTheUserPart()
    {
        assertTrue(wrap("sip:%61lice%40home@example.com"));
        assertEquals("%61lice%40home", uri.user().toString());
        assertFalse(wrap("sip:bad%4@example.com"));
    }

    @Test
    void shouldReadTelUris()
    {
        assertTrue(wrap("tel:+1-201-555-0123;phone-context=example.com"));
        assertTrue(uri.isTel());
        assertFalse(uri.isSip());
        assertEquals("+1-201-555-0123", uri.user().toString());
        assertTrue(uri.host().isEmpty());
        assertTrue(uri.param("phone-context", value));
        assertEquals("example.com", value.toString());
    }

    @Test
    void shouldParseUnknownSchemesAsOpaque()
    {
        assertTrue(wrap("soap.beep://192.0.2.103:3002"));
        assertFalse(uri.isSip());
        assertEquals("soap.beep", uri.scheme().toString());
    }

    @Test
    void shouldRejectMalformedUris()
    {
        assertFalse(wrap(""));
        assertFalse(wrap("sip:"));
        assertFalse(wrap("<sip:a@b>"));
        assertFalse(wrap("sip:a@b c"));
        assertFalse(wrap("sip:2001:db8::10"));
        assertFalse(wrap("sip:host:70000"));
        assertFalse(wrap("sip:@host"));
        assertFalse(wrap("sip:host;;lr"));
        assertFalse(wrap("1sip:host"));
    }
}
