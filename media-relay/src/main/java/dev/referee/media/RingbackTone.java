package dev.referee.media;

/**
 * Ringback as the transferee hears it while a transfer's target rings: a 425 Hz tone, one second on and four off
 * (ITU-T E.180's common European cadence), at about -10 dBm0, as 20 ms G.711 frames of 160 samples. Both encodings
 * are computed once: 250 frames a cycle, 40,000 bytes each; a frame is a view into them, never a copy.
 */
final class RingbackTone
{
    static final int SAMPLES_PER_FRAME = 160;
    static final int FRAMES_PER_CYCLE = 250;
    private static final int SAMPLE_RATE_HZ = 8_000;
    private static final int FREQUENCY_HZ = 425;
    private static final int ON_SAMPLES = SAMPLE_RATE_HZ;
    private static final double AMPLITUDE = 0.3 * 32_767;

    private static final byte[] PCMU_CYCLE = cycle(true);
    private static final byte[] PCMA_CYCLE = cycle(false);

    private RingbackTone()
    {
    }

    /** The cycle of {@code payloadType} (PCMU or PCMA): frame {@code n} is at {@code n * SAMPLES_PER_FRAME}. */
    static byte[] cycleOf(final int payloadType)
    {
        return payloadType == G711.PCMA ? PCMA_CYCLE : PCMU_CYCLE;
    }

    private static byte[] cycle(final boolean ulaw)
    {
        final byte[] bytes = new byte[SAMPLES_PER_FRAME * FRAMES_PER_CYCLE];
        for (int n = 0; n < bytes.length; n++)
        {
            final int sample = n < ON_SAMPLES ?
                (int)Math.round(AMPLITUDE * Math.sin(2 * Math.PI * FREQUENCY_HZ * n / SAMPLE_RATE_HZ)) : 0;
            bytes[n] = ulaw ? G711.ulaw(sample) : G711.alaw(sample);
        }
        return bytes;
    }
}
