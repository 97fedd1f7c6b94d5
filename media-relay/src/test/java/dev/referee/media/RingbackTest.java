package dev.referee.media;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.referee.media.MediaRelayHarness.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ringback (issue 10): while a transfer's target rings, the relay plays a generated G.711 tone to the transferee,
 * one RTP packet every 20 ms out of the transferee's relay port, in the codec asked for, one second on and four off;
 * nothing from the old far side reaches the transferee meanwhile, and a link (the join) or a stop ends it.
 */
class RingbackTest
{
    private static final long TRANSFEREE = 1;
    private static final long TRANSFEROR = 2;
    private static final long TARGET = 3;
    private static final int SSRC = 0x7777;

    private final MediaRelayHarness harness = new MediaRelayHarness();
    private final Peer transferee = harness.peer();
    private final Peer transferor = harness.peer();
    private final Peer target = harness.peer();
    private int transfereePort;
    private int transferorPort;
    private int targetPort;

    @AfterEach
    void close()
    {
        harness.close();
    }

    private void call()
    {
        transfereePort = harness.open(TRANSFEREE, false, 0);
        transferorPort = harness.open(TRANSFEROR, false, 0);
        targetPort = harness.open(TARGET, false, 0);
        harness.peer(TRANSFEREE, transferee, false);
        harness.peer(TRANSFEROR, transferor, false);
        harness.peer(TARGET, target, false);
        harness.link(TRANSFEREE, TRANSFEROR);
    }

    private void advanceMs(final long ms)
    {
        harness.clock.update(harness.clock.nanoTime() + ms * MS);
        harness.step();
    }

    @Test
    void shouldPlayAToneFrameEvery20MsInTheCodecAskedForWithRunningSequenceAndTimestamp()
    {
        call();
        assertTrue(harness.commands.ringback(TRANSFEREE, G711.PCMA));
        final Peer.Received first = harness.receive(transferee);
        assertEquals(transfereePort, first.from().getPort(), "out of the transferee's own relay port");
        assertEquals(12 + 160, first.bytes().length);
        assertEquals(0x80 | G711.PCMA, first.bytes()[1] & 0xFF, "PCMA, marker on the first packet");
        assertNull(transferee.receive(), "one frame, not a burst");

        for (int n = 1; n <= 3; n++)
        {
            advanceMs(20);
            final Peer.Received next = harness.receive(transferee);
            assertEquals(G711.PCMA, next.bytes()[1] & 0xFF, "no marker after the first");
            assertEquals(n, next.seq());
            assertEquals(160 * n, timestamp(next));
            assertEquals(first.ssrc(), next.ssrc());
        }
        assertTrue(harness.relay.counters().ringback() >= 4);
    }

    @Test
    void shouldFollowTheCadenceOneSecondOfToneThenSilence()
    {
        call();
        assertTrue(harness.commands.ringback(TRANSFEREE, G711.PCMU));
        final Peer.Received tone = harness.receive(transferee);
        assertTrue(hasSound(tone, (byte)0xFF), "the first second is tone");
        for (int n = 1; n < 50; n++)
        {
            advanceMs(20);
            harness.receive(transferee);
        }
        advanceMs(20);
        final Peer.Received silence = harness.receive(transferee);
        assertEquals(50, silence.seq());
        assertTrue(!hasSound(silence, (byte)0xFF), "then four seconds of mu-law silence");
    }

    @Test
    void shouldKeepTheOldFarSideFromTheTransfereeAndStopWhenTheJoinLinksTheTarget()
    {
        call();
        assertTrue(harness.commands.ringback(TRANSFEREE, G711.PCMU));
        harness.receive(transferee);
        transferor.rtp(transferorPort, 1, 0, SSRC, (byte)'h'); // the transferor's hold music
        advanceMs(5);
        harness.step();
        assertNull(transferee.receive(), "nothing from the transferor under the tone");

        harness.link(TRANSFEREE, TARGET);
        target.rtp(targetPort, 1, 0, SSRC, (byte)'t');
        final Peer.Received fromTarget = harness.receive(transferee);
        assertEquals('t', fromTarget.tag(), "the target, from the join on");
        advanceMs(60);
        assertNull(transferee.receive(), "no tone after the join");
    }

    @Test
    void shouldStopOnRequestAndRefuseACodecThatIsNotG711()
    {
        call();
        assertTrue(harness.commands.ringback(TRANSFEREE, G711.PCMU));
        harness.receive(transferee);
        assertTrue(harness.commands.stopRingback(TRANSFEREE));
        harness.step();
        advanceMs(40);
        assertNull(transferee.receive());
        transferor.rtp(transferorPort, 2, 160, SSRC, (byte)'h');
        assertEquals('h', harness.receive(transferee).tag(), "the far side is heard again");

        assertTrue(harness.commands.ringback(TRANSFEREE, 18)); // G.729: no tone of ours in it
        harness.await("refused", () -> harness.reports.refused.contains(TRANSFEREE));
        advanceMs(20);
        assertNull(transferee.receive());
    }

    @Test
    void shouldEncodeG711AsTheStandardSays()
    {
        assertEquals((byte)0xFF, G711.ulaw(0));
        assertEquals((byte)0x80, G711.ulaw(32_767));
        assertEquals((byte)0x00, G711.ulaw(-32_768));
        assertEquals((byte)0xD5, G711.alaw(0));
        assertEquals((byte)0xAA, G711.alaw(32_767));
        assertEquals((byte)0x2A, G711.alaw(-32_768));
    }

    private static int timestamp(final Peer.Received packet)
    {
        final byte[] b = packet.bytes();
        return (b[4] & 0xFF) << 24 | (b[5] & 0xFF) << 16 | (b[6] & 0xFF) << 8 | b[7] & 0xFF;
    }

    private static boolean hasSound(final Peer.Received packet, final byte silence)
    {
        final byte[] b = packet.bytes();
        for (int i = 12; i < b.length; i++)
        {
            if (b[i] != silence)
            {
                return true;
            }
        }
        return false;
    }
}
