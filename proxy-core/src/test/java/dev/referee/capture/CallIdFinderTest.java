package dev.referee.capture;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The correlation id Homer groups a call's messages by. */
class CallIdFinderTest
{
    private final CallIdFinder finder = new CallIdFinder();

    @Test
    void shouldFindTheCallIdHeaderInAnyCaseWithBlanksAroundItsValue()
    {
        assertEquals("f81d4fae@host", find("INVITE sip:b@x SIP/2.0\r\nVia: SIP/2.0/UDP x\r\ncall-id :  f81d4fae@host \r\n" +
            "CSeq: 1 INVITE\r\n\r\n"));
    }

    @Test
    void shouldFindTheCompactForm()
    {
        assertEquals("abc", find("SIP/2.0 200 OK\r\ni: abc\r\n\r\n"));
    }

    @Test
    void shouldFindItInAMessageTheParserRefuses()
    {
        // No Via, From, To or CSeq: Referee answers nothing, but the capture still ties it to its call.
        assertEquals("broken-1", find("OPTIONS sip:x SIP/2.0\nCall-ID: broken-1\n\n"));
    }

    @Test
    void shouldNotTakeACallIdFromTheBody()
    {
        assertFalse(finder.find(buffer("MESSAGE sip:x SIP/2.0\r\nContent-Length: 13\r\n\r\nCall-ID: body"), 0,
            47));
    }

    @Test
    void shouldNotMistakeAHeaderThatOnlyStartsLikeIt()
    {
        assertFalse(finder.find(buffer("INVITE sip:x SIP/2.0\r\nCall-Info: <http://x>\r\n\r\n"), 0, 45));
    }

    private String find(final String message)
    {
        final UnsafeBuffer buffer = buffer(message);
        if (!finder.find(buffer, 0, message.length()))
        {
            return null;
        }
        return buffer.getStringWithoutLengthAscii(finder.offset(), finder.length());
    }

    private static UnsafeBuffer buffer(final String message)
    {
        return new UnsafeBuffer(message.getBytes(StandardCharsets.US_ASCII));
    }
}
