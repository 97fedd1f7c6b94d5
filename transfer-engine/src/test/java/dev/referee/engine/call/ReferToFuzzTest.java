package dev.referee.engine.call;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.referee.sip.AsciiView;
import dev.referee.sip.NameAddr;
import org.agrona.concurrent.UnsafeBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Coverage-guided fuzz targets over what a REFER or an INVITE names (Jazzer): the Refer-To value with a %-escaped
 * Replaces embedded in its URI (RFC 3515 §2.1, RFC 3891 §6.1) and the Replaces header of an INVITE. The decoded
 * dialog goes into the INVITE Referee sends to the transfer target, so whatever it accepts must be a Replaces value
 * as RFC 3891 §6.1 writes it: no CR, LF or other control character (header injection), only the characters of a
 * Call-ID and of tags, and read back the same by the INVITE side. Seeds: the Refer-To and Replaces values of the
 * SIPp scenarios and the findings, in {@code ReferToFuzzTestInputs}.
 */
class ReferToFuzzTest
{
    private final NameAddr referTo = new NameAddr();
    private final AsciiView replaces = new AsciiView();

    /**
     * A Refer-To value as the REFER carries it: name-addr, its URI's ?Replaces= %-escaped. What Transfers.onRefer
     * accepts (no header escaping a control character, a Replaces that names a dialog) decodes to safe text.
     */
    @FuzzTest(maxDuration = "30s")
    void referToHeadersDecodeToValuesThatCannotInject(final byte[] input)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(input);
        if (!referTo.wrap(buffer, 0, input.length) || referTo.uriView().headersEscapeControlCharacters())
        {
            return;
        }
        final String headers = referTo.uriView().headers().toString();
        for (final String header : headers.split("&"))
        {
            final String decoded = DialogReference.unescape(header);
            for (int i = 0; i < decoded.length(); i++)
            {
                final char c = decoded.charAt(i);
                assertTrue(c >= ' ' && c != 0x7F, () -> "Refer-To header decodes to a control character: " + header);
            }
        }
        if (referTo.uriView().header("Replaces", replaces))
        {
            final DialogReference dialog = DialogReference.fromUriHeader(replaces);
            if (dialog != null)
            {
                checkDialog(dialog);
            }
        }
    }

    /** A Replaces header as an INVITE carries it (not escaped). */
    @FuzzTest(maxDuration = "30s")
    void inviteReplacesHeaderReadsOnlyWellFormedDialogs(final byte[] input)
    {
        final String text = new String(input, java.nio.charset.StandardCharsets.ISO_8859_1);
        final DialogReference dialog = DialogReference.parse(text);
        if (dialog != null)
        {
            checkDialog(dialog);
        }
    }

    private static void checkDialog(final DialogReference dialog)
    {
        assertTrue(!dialog.callId().isEmpty() && !dialog.toTag().isEmpty() && !dialog.fromTag().isEmpty(),
            () -> "empty part in " + dialog);
        word(dialog.callId(), "Call-ID");
        token(dialog.toTag(), "to-tag");
        token(dialog.fromTag(), "from-tag");
        // What Referee sends on is read back as the same dialog by the INVITE side (another Referee, or itself).
        final String header = dialog.headerValue();
        assertEquals(dialog, DialogReference.parse(header), () -> "sent as " + header);
        final DialogReference escaped = DialogReference.fromUriHeader(escape(header));
        assertNotNull(escaped);
        assertEquals(dialog, escaped, "the same dialog %-escaped in a Refer-To");
    }

    /** RFC 3261 §25.1 {@code word}, which a Call-ID is made of (with one optional '@'). */
    private static void word(final String text, final String what)
    {
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (!(isToken(c) || "()<>:\\\"/[]?{}@".indexOf(c) >= 0))
            {
                fail(what + " holds " + (int)c + ": " + text);
            }
        }
    }

    private static void token(final String text, final String what)
    {
        for (int i = 0; i < text.length(); i++)
        {
            if (!isToken(text.charAt(i)))
            {
                fail(what + " holds " + (int)text.charAt(i) + ": " + text);
            }
        }
    }

    private static boolean isToken(final char c)
    {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-.!%*_+`'~".indexOf(c) >= 0;
    }

    /** %-escapes what an RFC 3261 §19.1.1 header value in a URI may not carry as it is. */
    private static String escape(final String value)
    {
        final StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (isToken(c) && c != '%' || c == '@' || c == ':')
            {
                out.append(c);
            }
            else
            {
                out.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
            }
        }
        return out.toString();
    }
}
