package dev.referee.media;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MediaPortsTest
{
    @Test
    void shouldAllocateEvenRtpPortsWithRtcpInsideTheRange()
    {
        final MediaPorts ports = MediaPorts.parse("30001-30008");

        assertEquals(3, ports.capacity(), "30002, 30004, 30006: 30008's RTCP port 30009 is outside");
        assertEquals(30002, ports.allocate());
        assertEquals(30004, ports.allocate());
        assertEquals(30006, ports.allocate());
    }

    @Test
    void shouldAnswerExhaustedWhenEveryPairIsInUseAndAllocateAgainAfterARelease()
    {
        final MediaPorts ports = MediaPorts.parse("30000-30003");
        assertEquals(30000, ports.allocate());
        assertEquals(30002, ports.allocate());

        assertEquals(MediaPorts.EXHAUSTED, ports.allocate());
        assertEquals(2, ports.inUse());

        assertTrue(ports.release(30000));
        assertEquals(30000, ports.allocate());
        assertEquals(MediaPorts.EXHAUSTED, ports.allocate());
    }

    @Test
    void shouldHandOutAReleasedPairLastSoThatAnEndedCallsStragglersMissTheNextCall()
    {
        final MediaPorts ports = MediaPorts.parse("30000-30009");
        final int first = ports.allocate();
        ports.release(first);

        assertEquals(30002, ports.allocate());
        assertEquals(30004, ports.allocate());
    }

    @Test
    void shouldGiveTheSamePortsForTheSameSequenceOfAllocationsAndReleases()
    {
        final long seed = 42;
        assertEquals(replay(seed), replay(seed), "seed " + seed);
    }

    @Test
    void shouldRefuseToReleaseWhatIsNotAnAllocatedPair()
    {
        final MediaPorts ports = MediaPorts.parse("30000-30009");
        final int port = ports.allocate();

        assertFalse(ports.release(port + 1), "an RTCP port");
        assertFalse(ports.release(29998), "below the range");
        assertFalse(ports.release(30002), "not in use");
        assertTrue(ports.release(port));
        assertFalse(ports.release(port), "twice");
        assertEquals(0, ports.inUse());
    }

    @Test
    void shouldRestoreASnapshotToTheSameNextAllocations()
    {
        final MediaPorts original = MediaPorts.parse("30000-30019");
        original.allocate();
        final int kept = original.allocate();
        original.release(30000);

        final MediaPorts restored = MediaPorts.parse("30000-30019");
        assertTrue(restored.claim(kept));
        restored.cursorPort(original.cursorPort());

        for (int i = 0; i < 12; i++)
        {
            assertEquals(original.allocate(), restored.allocate(), "allocation " + i);
        }
    }

    @Test
    void shouldRejectRangesWithoutAPair()
    {
        assertThrows(IllegalArgumentException.class, () -> MediaPorts.parse("30001-30002"));
        assertThrows(IllegalArgumentException.class, () -> MediaPorts.parse("30000"));
        assertThrows(IllegalArgumentException.class, () -> MediaPorts.parse("40000-30000"));
    }

    private static List<Integer> replay(final long seed)
    {
        final Random random = new Random(seed);
        final MediaPorts ports = MediaPorts.parse("30000-30099");
        final List<Integer> held = new ArrayList<>();
        final List<Integer> given = new ArrayList<>();
        for (int i = 0; i < 1_000; i++)
        {
            if (held.isEmpty() || random.nextInt(3) > 0)
            {
                final int port = ports.allocate();
                given.add(port);
                if (port != MediaPorts.EXHAUSTED)
                {
                    held.add(port);
                }
            }
            else
            {
                ports.release(held.remove(random.nextInt(held.size())));
            }
        }
        return given;
    }
}
