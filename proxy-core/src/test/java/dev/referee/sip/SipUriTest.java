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

    /** The scan notes the first '?': one in the user part must not be taken for the start of the headers. */
    @Test
    void shouldFindTheHeadersAfterTheHostWhateverQuestionMarksComeBefore()
    {
        assertTrue(wrap("sip:us?er@host;p=1?h=v&k=w"));
        assertEquals("us?er", uri.user().toString());
        assertEquals(";p=1", uri.params().toString());
        assertEquals("h=v&k=w", uri.headers().toString());
        assertTrue(wrap("sip:us?er@host;p=1"));
        assertEquals(";p=1", uri.params().toString());
        assertTrue(uri.headers().isEmpty());
        assertTrue(wrap("sip:user@host;p=1?h=v"));
        assertEquals(";p=1", uri.params().toString());
        assertEquals("h=v", uri.headers().toString());
        assertTrue(wrap("sip:host?h"));
        assertEquals("h", uri.headers().toString());
        assertFalse(wrap("sip:host?"), "a '?' at the very end opens empty headers");
        assertTrue(wrap("tel:+1555;ext=1?h=v"));
        assertEquals(";ext=1", uri.params().toString());
        assertEquals("h=v", uri.headers().toString());
    }

    /** The user part's escapes are checked only when the scan saw a '%' somewhere in the URI. */
    @Test
    void shouldCheckTheUserEscapesWhereverThePercentSignIs()
    {
        assertTrue(wrap("sip:al%41ice@host"));
        assertEquals("al%41ice", uri.user().toString());
        assertFalse(wrap("sip:al%4@host"));
        assertFalse(wrap("sip:al%zzice@host"));
        assertTrue(wrap("sip:alice@host?subject=%zz"), "escapes after the user part are not the user's");
        assertTrue(wrap("sip:alice@host;x=%41"));
        assertTrue(wrap("sip:alice@host"));
        assertTrue(uri.headers().isEmpty());
    }
}
