package dev.referee.ops.interop;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a phone heard: its recordings of received audio (16-bit PCM WAV, as baresip's sndfile module writes them,
 * decoded after the jitter buffer) cut into 20 ms blocks, each block counted for the {@link Tone} that carries most
 * of its energy, or for none (silence, noise, a mix). Goertzel's algorithm measures each tone's power in a block.
 */
final class HeardAudio
{
    private static final int BLOCK_MS = 20;
    /** Below this RMS a block is silence (a tone of the tests has an RMS of about 5,600). */
    private static final double SILENCE_RMS = 500;
    /** Share of a block's energy a tone must carry to count: a pure tone carries nearly all of it. */
    private static final double TONE_SHARE = 0.6;

    private final Map<Tone, Long> millisByTone = new LinkedHashMap<>();
    private long otherMillis;
    private final List<Path> recordings;

    private HeardAudio(final List<Path> recordings, final List<Tone> tones)
    {
        this.recordings = List.copyOf(recordings);
        tones.forEach(tone -> millisByTone.put(tone, 0L));
    }

    /** Measures the recordings (in any order) against the tones the phones of a test send. */
    static HeardAudio of(final List<Path> recordings, final List<Tone> tones)
    {
        final HeardAudio heard = new HeardAudio(recordings, tones);
        for (final Path recording : recordings)
        {
            heard.measure(recording);
        }
        return heard;
    }

    /** How long this tone was heard, in ms. */
    long millisOf(final Tone tone)
    {
        return millisByTone.getOrDefault(tone, 0L);
    }

    private void measure(final Path recording)
    {
        final Pcm pcm = Pcm.read(recording);
        final int blockSamples = pcm.sampleRateHz * BLOCK_MS / 1000;
        for (int start = 0; start + blockSamples <= pcm.samples.length; start += blockSamples)
        {
            final Tone tone = dominantTone(pcm.samples, start, blockSamples, pcm.sampleRateHz);
            if (tone == null)
            {
                otherMillis += BLOCK_MS;
            }
            else
            {
                millisByTone.merge(tone, (long)BLOCK_MS, Long::sum);
            }
        }
    }

    private Tone dominantTone(final short[] samples, final int start, final int length, final int sampleRateHz)
    {
        double energy = 0;
        for (int i = start; i < start + length; i++)
        {
            energy += (double)samples[i] * samples[i];
        }
        if (Math.sqrt(energy / length) < SILENCE_RMS)
        {
            return null;
        }
        for (final Tone tone : millisByTone.keySet())
        {
            // A sine of amplitude a gives Goertzel power (a*n/2)^2 and energy a^2*n/2: power/energy = n/2.
            final double share = goertzelPower(samples, start, length, tone.frequencyHz(), sampleRateHz) /
                (energy * length / 2);
            if (share >= TONE_SHARE)
            {
                return tone;
            }
        }
        return null;
    }

    private static double goertzelPower(final short[] samples, final int start, final int length, final int hz,
        final int sampleRateHz)
    {
        final double coefficient = 2 * Math.cos(2 * Math.PI * hz / sampleRateHz);
        double previous = 0;
        double beforePrevious = 0;
        for (int i = start; i < start + length; i++)
        {
            final double current = samples[i] + coefficient * previous - beforePrevious;
            beforePrevious = previous;
            previous = current;
        }
        return previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious;
    }

    @Override
    public String toString()
    {
        final StringBuilder out = new StringBuilder();
        millisByTone.forEach((tone, ms) -> out.append(tone).append(": ").append(ms).append(" ms, "));
        return out.append("silence or other: ").append(otherMillis).append(" ms, in ").append(recordings).toString();
    }

    /**
     * The samples of a mono 16-bit PCM WAV file. Read by hand rather than with javax.sound: a recording cut short
     * (the phone killed) keeps the data size of its header at 0, and everything after the header is still audio.
     */
    private record Pcm(int sampleRateHz, short[] samples)
    {
        static Pcm read(final Path wav)
        {
            final ByteBuffer bytes;
            try
            {
                bytes = ByteBuffer.wrap(Files.readAllBytes(wav)).order(ByteOrder.LITTLE_ENDIAN);
            }
            catch (final IOException ex)
            {
                throw new AssertionError("cannot read the recording " + wav + ": " + ex, ex);
            }
            int sampleRateHz = 0;
            int at = 12; // "RIFF", size, "WAVE"
            while (at + 8 <= bytes.limit())
            {
                final String chunk = new String(new byte[] {bytes.get(at), bytes.get(at + 1), bytes.get(at + 2),
                    bytes.get(at + 3)}, StandardCharsets.US_ASCII);
                final int size = bytes.getInt(at + 4);
                if (size < 0)
                {
                    break; // a corrupt header: no audio to measure
                }
                if ("fmt ".equals(chunk))
                {
                    final int channels = bytes.getShort(at + 10);
                    sampleRateHz = bytes.getInt(at + 12);
                    final int bits = bytes.getShort(at + 22);
                    if (channels != 1 || bits != 16 || bytes.getShort(at + 8) != 1)
                    {
                        throw new AssertionError(wav + " is not 16-bit mono PCM");
                    }
                }
                else if ("data".equals(chunk))
                {
                    final int end = size == 0 || at + 8 + size > bytes.limit() ? bytes.limit() : at + 8 + size;
                    final short[] samples = new short[(end - at - 8) / 2];
                    for (int i = 0; i < samples.length; i++)
                    {
                        samples[i] = bytes.getShort(at + 8 + 2 * i);
                    }
                    if (sampleRateHz == 0)
                    {
                        throw new AssertionError(wav + " has no fmt chunk before its data");
                    }
                    return new Pcm(sampleRateHz, samples);
                }
                at += 8 + size + (size & 1);
            }
            return new Pcm(sampleRateHz == 0 ? 8000 : sampleRateHz, new short[0]);
        }
    }
}
