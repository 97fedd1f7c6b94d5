package dev.referee.sip;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A typed view the parse does not wrap over a value (absent, or never reached) shows nothing of the last message. */
class ViewResetTest
{
    private static final String REQUEST =
        "INVITE sip:bob@192.0.2.4 SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKnashds7\r\n" +
        "From: \"Alice\" <sip:alice@example.com>;tag=1928301774\r\n" +
        "To: <sip:bob@example.com>;tag=9\r\n" +
        "Call-ID: a84b4c76e66710\r\n" +
        "CSeq: 231 INVITE\r\n" +
        "Contact: <sip:alice@192.0.2.1>\r\n\r\n";

    private final SipMessage message = new SipMessage();
    private final SipMessage fresh = new SipMessage();

    private boolean parse(final SipMessage into, final String text)
    {
        final UnsafeBuffer buffer = Corpus.text(text);
        return into.parse(buffer, 0, buffer.capacity());
    }

    @Test
    void shouldEmptyTheViewsAResponseDoesNotFill()
    {
        assertTrue(parse(message, REQUEST));
        final String response = REQUEST.replace("INVITE sip:bob@192.0.2.4 SIP/2.0", "SIP/2.0 180 Ringing")
            .replace("Contact: <sip:alice@192.0.2.1>\r\n", "");
        assertTrue(parse(message, response));
        assertNull(message.contact());
        assertTrue(message.requestUriView().value().isEmpty());
        assertTrue(message.requestUriView().host().isEmpty());
        assertEquals("alice", message.from().uriView().user().toString());
    }

    @Test
    void shouldEmptyEveryViewWhenTheStartLineIsAllThereIs()
    {
        assertTrue(parse(message, REQUEST));
        assertFalse(parse(message, "INVITE sip:carol@192.0.2.9 SIP/2.0"));
        assertFalse(parse(fresh, "INVITE sip:carol@192.0.2.9 SIP/2.0"));
        assertEquals(fresh.requestUriView().host().toString(), message.requestUriView().host().toString());
        assertTrue(message.topVia().value().isEmpty());
        assertTrue(message.topVia().branch().isEmpty());
        assertTrue(message.from().value().isEmpty());
        assertTrue(message.from().uriView().value().isEmpty());
        assertTrue(message.to().tag().isEmpty());
        assertNull(message.contact());
    }

    @Test
    void shouldEmptyTheViewsOfAnEmptyMessage()
    {
        assertTrue(parse(message, REQUEST));
        assertFalse(parse(message, ""));
        assertTrue(message.requestUriView().value().isEmpty());
        assertTrue(message.topVia().host().isEmpty());
        assertTrue(message.to().value().isEmpty());
    }
}
