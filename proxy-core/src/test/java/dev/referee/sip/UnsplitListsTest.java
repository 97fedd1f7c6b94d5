package dev.referee.sip;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * List values the parse does not check (Allow, Supported, ...) are indexed whole and split when the index is first
 * read: whatever is read first, callers see the entries an eager split gives, and a message whose elements would
 * overflow the index fails as it did when everything was split at once.
 */
class UnsplitListsTest
{
    private static final String HEAD =
        "INVITE sip:bob@192.0.2.4 SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKnashds7, SIP/2.0/UDP 192.0.2.9\r\n" +
        "Allow: INVITE, ACK,BYE ,, CANCEL\r\n" +
        "Max-Forwards: 70\r\n" +
        "From: <sip:alice@example.com>;tag=1928301774\r\n" +
        "To: <sip:bob@example.com>\r\n" +
        "Supported: replaces, \"a,b\", timer\r\n" +
        "Call-ID: a84b4c76e66710\r\n" +
        "CSeq: 231 INVITE\r\n" +
        "Contact: <sip:alice@192.0.2.1>\r\n";

    private final SipMessage message = new SipMessage();
    private final AsciiView view = new AsciiView();

    private boolean parse(final String text)
    {
        final UnsafeBuffer buffer = Corpus.text(text);
        return message.parse(buffer, 0, buffer.capacity());
    }

    @Test
    void shouldGiveTheElementsOfAnUnsplitListInMessageOrder()
    {
        assertTrue(parse(HEAD + "\r\n"));
        assertEquals(2, message.viaCount());
        assertEquals(15, message.headerCount());
        final String[] expected = {
            "Via SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKnashds7", "Via SIP/2.0/UDP 192.0.2.9",
            "Allow INVITE", "Allow ACK", "Allow BYE", "Allow CANCEL", "Max-Forwards 70",
            "From <sip:alice@example.com>;tag=1928301774", "To <sip:bob@example.com>",
            "Supported replaces", "Supported \"a,b\"", "Supported timer", "Call-ID a84b4c76e66710",
            "CSeq 231 INVITE", "Contact <sip:alice@192.0.2.1>" };
        for (int i = 0; i < expected.length; i++)
        {
            assertEquals(expected[i], message.headerName(i, new AsciiView()) + " " + message.headerValue(i, view));
        }
    }

    @Test
    void shouldSplitWhicheverIndexMethodIsCalledFirst()
    {
        assertTrue(parse(HEAD + "\r\n"));
        assertEquals(6, message.findHeader(HeaderName.MAX_FORWARDS, 0));
        assertEquals(3, message.findHeader(HeaderName.ALLOW, 3));

        assertTrue(parse(HEAD + "\r\n"));
        assertEquals(HeaderName.SUPPORTED, message.headerId(10));

        assertTrue(parse(HEAD + "\r\n"));
        assertTrue(message.header(HeaderName.CALL_ID, view));
        assertEquals("a84b4c76e66710", view.toString());
        assertEquals("Allow", message.headerName(5, view).toString());
        assertEquals("CANCEL", message.headerValue(5, view).toString());
    }

    @Test
    void shouldReadTheTypedHeadersWithoutSplitting()
    {
        assertTrue(parse(HEAD + "Content-Type: application/sdp\r\nContent-Length: 0\r\n\r\n"));
        assertEquals("application/sdp", message.contentType().toString());
        assertEquals("1928301774", message.from().tag().toString());
        assertEquals("192.0.2.1", message.topVia().host().toString());
        assertEquals("sip:alice@192.0.2.1", message.contact().uri().toString());
        assertEquals(70, message.maxForwards());
        assertEquals(17, message.headerCount());
    }

    @Test
    void shouldStillRejectAnEmptyElementOfTheListsItChecks()
    {
        assertFalse(parse(HEAD.replace("Contact: <sip:alice@192.0.2.1>", "Contact: <sip:a@h>, ,<sip:b@h>") + "\r\n"));
        assertEquals(ParseErrors.EMPTY_LIST_ELEMENT, message.errorReason());
    }

    @Test
    void shouldRejectTooManyElementsWhereAnEagerSplitDid()
    {
        // Each unsplit Allow might hold 100 elements, so the index cannot tell from the bound alone: the parse starts
        // again splitting everything and fails on the element that does not fit, as before.
        final StringBuilder text = new StringBuilder(HEAD);
        for (int line = 0; line < 3; line++)
        {
            text.append("Allow: ");
            for (int i = 0; i < 100; i++)
            {
                text.append(i == 0 ? "" : ",").append('m');
            }
            text.append("\r\n");
        }
        assertFalse(parse(text.append("\r\n").toString()));
        assertEquals(ParseErrors.TOO_MANY_HEADERS, message.errorReason());
        assertEquals(SipMessage.MAX_HEADERS, message.headerCount());
        assertEquals(HeaderName.ALLOW, message.headerId(SipMessage.MAX_HEADERS - 1));
    }

    @Test
    void shouldAcceptAsManyElementsAsFitWhenTheBoundIsNotEnoughToTell()
    {
        // 3 x 80 elements, bounded at 159 each by their length: the bound overflows, the split does not (252 entries).
        final StringBuilder text = new StringBuilder(HEAD.replace("Allow: INVITE, ACK,BYE ,, CANCEL\r\n", ""));
        for (int line = 0; line < 3; line++)
        {
            text.append("Supported: ");
            for (int i = 0; i < 80; i++)
            {
                text.append(i == 0 ? "" : ", ").append("t").append(i % 10);
            }
            text.append("\r\n");
        }
        assertTrue(parse(text.append("Content-Length: 0\r\n\r\n").toString()));
        assertNull(message.errorReason());
        assertEquals(11 + 3 * 80 + 1, message.headerCount());
        assertEquals("t9", message.headerValue(message.headerCount() - 2, view).toString());
    }

    @Test
    void shouldSplitAgainAfterTheNextParse()
    {
        assertTrue(parse(HEAD + "\r\n"));
        assertEquals(15, message.headerCount());
        assertTrue(parse(HEAD.replace("Allow: INVITE, ACK,BYE ,, CANCEL", "Allow: INFO, REFER") + "\r\n"));
        assertEquals(13, message.headerCount());
        assertEquals("REFER", message.headerValue(message.findHeader(HeaderName.ALLOW, 3), view).toString());
    }
}
