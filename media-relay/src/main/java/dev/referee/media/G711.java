package dev.referee.media;

/** Linear 16-bit PCM to G.711 (ITU-T G.711): mu-law (RTP payload type 0, PCMU) and A-law (8, PCMA). */
final class G711
{
    static final int PCMU = 0;
    static final int PCMA = 8;
    private static final int MU_BIAS = 0x84;
    private static final int MU_CLIP = 32_635;

    private G711()
    {
    }

    /** One mu-law byte: sign, three exponent bits, four mantissa bits, all inverted (silence is 0xFF). */
    static byte ulaw(final int sample)
    {
        int pcm = Math.max(-32_768, Math.min(32_767, sample));
        final int sign = pcm < 0 ? 0x80 : 0;
        pcm = Math.min(sign != 0 ? -pcm : pcm, MU_CLIP) + MU_BIAS;
        final int exponent = 31 - Integer.numberOfLeadingZeros(pcm) - 7;
        final int mantissa = (pcm >> (exponent + 3)) & 0x0F;
        return (byte)~(sign | exponent << 4 | mantissa);
    }

    /** One A-law byte: segment and four bits of the 13-bit sample, even bits inverted (silence is 0xD5). */
    static byte alaw(final int sample)
    {
        int pcm = Math.max(-32_768, Math.min(32_767, sample)) >> 3;
        final int mask;
        if (pcm >= 0)
        {
            mask = 0xD5;
        }
        else
        {
            mask = 0x55;
            pcm = -pcm - 1;
        }
        int segment = 0;
        while (segment < 8 && pcm > (0x20 << segment) - 1)
        {
            segment++;
        }
        if (segment >= 8)
        {
            return (byte)(0x7F ^ mask);
        }
        final int value = segment << 4 | (segment < 2 ? pcm >> 1 : pcm >> segment) & 0x0F;
        return (byte)(value ^ mask);
    }

    /** The encoding of {@code payloadType}: PCMU or PCMA; -1 for any other. */
    static int codecOf(final int payloadType)
    {
        return payloadType == PCMU || payloadType == PCMA ? payloadType : -1;
    }
}
