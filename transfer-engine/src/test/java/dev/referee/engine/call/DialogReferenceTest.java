package dev.referee.engine.call;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Replaces values (RFC 3891 §6.1) in a Refer-To URI (%-escaped) and in an INVITE (as they are). */
class DialogReferenceTest
{
    @Test
    void shouldReadTheReplacesOfAReferToUri()
    {
        assertEquals(new DialogReference("12345@192.168.118.3", "12345", "5FFE-3994", false),
            DialogReference.fromUriHeader("12345%40192.168.118.3%3Bto-tag%3D12345%3Bfrom-tag%3D5FFE-3994"));
        assertEquals(new DialogReference("98732@sip.example.com", "ff87ff", "r33th4x0r", true),
            DialogReference.parse("98732@sip.example.com;from-tag=r33th4x0r;TO-TAG = ff87ff ;early-only"));
    }

    @Test
    void shouldRefuseACallIdThatDecodesToALineBreak()
    {
        // Found by ReferToFuzzTest: the decoded value went on as a Replaces header line of the INVITE to the target.
        assertNull(DialogReference.fromUriHeader("abc%0D%0AX-Injected%3A%201%3Bto-tag%3D1%3Bfrom-tag%3D2"));
        assertNull(DialogReference.fromUriHeader("abc%00%3Bto-tag%3D1%3Bfrom-tag%3D2"));
        assertNull(DialogReference.fromUriHeader("abc%20def%3Bto-tag%3D1%3Bfrom-tag%3D2"));
    }

    @Test
    void shouldRefuseTagsThatAreNotTokens()
    {
        // Found by ReferToFuzzTest (finding-replaces-tag-not-a-token).
        assertNull(DialogReference.fromUriHeader("12345%3Bto-tag%3D1%3Bfrom-tag%3D5from-x)t%3ga"));
        assertNull(DialogReference.parse("abc;to-tag=a\"b;from-tag=2"));
        assertNull(DialogReference.parse("abc;to-tag=;from-tag=2"));
    }

    @Test
    void shouldNameNoDialogWhenTheValueIsOnlySeparators()
    {
        // Found by ReferToFuzzTest: "Replaces: ;" threw ArrayIndexOutOfBoundsException on the engine thread.
        assertNull(DialogReference.parse(";"));
        assertNull(DialogReference.parse(";;;"));
        assertNull(DialogReference.fromUriHeader("%3B"));
        assertNull(DialogReference.parse(""));
    }

    @Test
    void shouldTakeThePercentOfAnInviteReplacesAsACharacter()
    {
        // RFC 3261 §25.1: '%' is a character of a Call-ID and of a tag; only a URI header is %-escaped. Decoding it
        // again named another dialog (ReferToFuzzTest: what Referee sends on did not read back the same).
        assertEquals("abc%41@host", DialogReference.parse("abc%41@host;to-tag=1;from-tag=2").callId());
        assertEquals("abc%41@host", DialogReference.fromUriHeader("abc%2541@host%3Bto-tag%3D1%3Bfrom-tag%3D2")
            .callId());
    }
}
