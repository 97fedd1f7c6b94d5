package dev.referee.engine.media;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzz target over {@link SdpPart} (Jazzer): a Content-Type (the input up to its first LF) and a body
 * (the rest) from the network, whatever they hold. Finding never throws; a part found lies inside the body, right
 * after a blank line; splicing a replacement in changes that part only, every other byte as it came. Seeds: the
 * inputs in {@code SdpPartFuzzTestInputs} (a SIP-I body).
 */
class SdpPartFuzzTest
{
    private static final byte[] REPLACEMENT = "v=0\r\nc=IN IP4 203.0.113.5\r\nm=audio 30000 RTP/AVP 8\r\n"
        .getBytes(StandardCharsets.US_ASCII);
    private final SdpPart part = new SdpPart();

    @FuzzTest(maxDuration = "30s")
    void onlyTheSdpPartIsReplaced(final byte[] input)
    {
        int split = 0;
        while (split < input.length && input[split] != '\n')
        {
            split++;
        }
        final String contentType = new String(input, 0, split, StandardCharsets.ISO_8859_1);
        final int offset = Math.min(split + 1, input.length);
        final int length = input.length - offset;
        final UnsafeBuffer body = new UnsafeBuffer(input);
        if (!part.find(contentType, body, offset, length))
        {
            return;
        }
        final int at = part.offset();
        assertTrue(at >= offset + 2 && part.length() >= 0 && at + part.length() <= offset + length,
            "the part lies inside the body: " + at + "+" + part.length());
        assertTrue(input[at - 2] == '\r' && input[at - 1] == '\n', "the part starts after a line end");

        final int written = part.splice(body, offset, length, new UnsafeBuffer(REPLACEMENT), REPLACEMENT.length);
        final byte[] expected = new byte[length - part.length() + REPLACEMENT.length];
        System.arraycopy(input, offset, expected, 0, at - offset);
        System.arraycopy(REPLACEMENT, 0, expected, at - offset, REPLACEMENT.length);
        System.arraycopy(input, at + part.length(), expected, at - offset + REPLACEMENT.length,
            offset + length - at - part.length());
        assertArrayEquals(expected, Arrays.copyOf(part.output().byteArray(), written));
    }
}
