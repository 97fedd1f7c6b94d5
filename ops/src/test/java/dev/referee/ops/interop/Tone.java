package dev.referee.ops.interop;

import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The sine tone a phone of the interop tests sends as its microphone: each phone has its own frequency, so a
 * recording of what a phone received says whom it heard ({@link HeardAudio}). Written as the WAV the phones read:
 * 8 kHz, 16-bit signed little-endian, mono (baresip's aufile source accepts only S16LE at the codec's rate, 8 kHz
 * for G.711).
 */
record Tone(String name, int frequencyHz)
{
    static final float SAMPLE_RATE_HZ = 8000f;
    /** About a quarter of full scale: far above line noise, far from clipping through G.711. */
    private static final double AMPLITUDE = 8000;

    /**
     * Writes {@code length} of this tone. Longer than any call of a test: baresip's aufile ends the call ("end of
     * file") when its source file runs out.
     */
    void writeWav(final Path file, final Duration length)
    {
        final int samples = (int)(SAMPLE_RATE_HZ * length.toMillis() / 1000);
        final byte[] pcm = new byte[samples * 2];
        for (int i = 0; i < samples; i++)
        {
            final double phase = 2 * Math.PI * frequencyHz * i / SAMPLE_RATE_HZ;
            final short sample = (short)Math.round(AMPLITUDE * Math.sin(phase));
            pcm[2 * i] = (byte)sample;
            pcm[2 * i + 1] = (byte)(sample >> 8);
        }
        final AudioFormat format = new AudioFormat(SAMPLE_RATE_HZ, 16, 1, true, false);
        try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(pcm), format, samples))
        {
            AudioSystem.write(in, AudioFileFormat.Type.WAVE, file.toFile());
        }
        catch (final IOException ex)
        {
            throw new AssertionError("cannot write " + file + ": " + ex, ex);
        }
    }

    @Override
    public String toString()
    {
        return name + " (" + frequencyHz + " Hz)";
    }
}
