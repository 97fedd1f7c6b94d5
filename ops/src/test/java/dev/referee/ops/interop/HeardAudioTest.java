package dev.referee.ops.interop;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The measure the phone tests rely on to say whom a phone heard: a tone is counted for itself only, silence for no
 * one, and a recording whose header was never finished (the phone still writing, or killed) is measured all the same.
 */
class HeardAudioTest
{
    private static final Tone ALICE = new Tone("alice", 500);
    private static final Tone BOB = new Tone("bob", 700);
    private static final Tone CAROL = new Tone("carol", 1100);
    private static final List<Tone> TONES = List.of(ALICE, BOB, CAROL);

    @TempDir
    Path dir;

    @Test
    void shouldCountASecondOfOneToneForThatToneAlone()
    {
        final Path wav = dir.resolve("bob.wav");
        BOB.writeWav(wav, Duration.ofSeconds(1));

        final HeardAudio heard = HeardAudio.of(List.of(wav), TONES);

        assertEquals(1000, heard.millisOf(BOB), heard::toString);
        assertEquals(0, heard.millisOf(ALICE), heard::toString);
        assertEquals(0, heard.millisOf(CAROL), heard::toString);
    }

    @Test
    void shouldAddUpTheRecordingsOfSeveralCalls()
    {
        final Path first = dir.resolve("first.wav");
        final Path second = dir.resolve("second.wav");
        ALICE.writeWav(first, Duration.ofMillis(400));
        CAROL.writeWav(second, Duration.ofMillis(600));

        final HeardAudio heard = HeardAudio.of(List.of(first, second), TONES);

        assertEquals(400, heard.millisOf(ALICE), heard::toString);
        assertEquals(600, heard.millisOf(CAROL), heard::toString);
    }

    @Test
    void shouldCountSilenceForNoTone() throws IOException
    {
        final Path wav = dir.resolve("silence.wav");
        BOB.writeWav(wav, Duration.ofSeconds(1));
        final byte[] bytes = Files.readAllBytes(wav);
        Arrays.fill(bytes, 44, bytes.length, (byte)0); // same header, samples all zero
        Files.write(wav, bytes);

        final HeardAudio heard = HeardAudio.of(List.of(wav), TONES);

        TONES.forEach(tone -> assertEquals(0, heard.millisOf(tone), heard::toString));
    }

    @Test
    void shouldMeasureARecordingWhoseHeaderStillSaysNoData() throws IOException
    {
        final Path wav = dir.resolve("open.wav");
        CAROL.writeWav(wav, Duration.ofSeconds(1));
        final byte[] bytes = Files.readAllBytes(wav);
        final ByteBuffer header = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("data", new String(bytes, 36, 4, StandardCharsets.US_ASCII));
        header.putInt(4, 36).putInt(40, 0); // RIFF and data sizes as a writer leaves them before closing
        Files.write(wav, bytes);

        final HeardAudio heard = HeardAudio.of(List.of(wav), TONES);

        assertTrue(heard.millisOf(CAROL) >= 980, heard::toString);
    }
}
