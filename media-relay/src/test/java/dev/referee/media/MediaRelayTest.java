package dev.referee.media;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.referee.media.MediaRelayHarness.LOOPBACK;
import static dev.referee.media.MediaRelayHarness.MS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MediaRelayTest
{
    private static final long A = 1;
    private static final long B = 2;
    private static final int SSRC_A = 0xA0A0A0A0;
    private static final int SSRC_B = 0xB0B0B0B0;

    private final MediaRelayHarness harness = new MediaRelayHarness();
    private final Peer phoneA = harness.peer();
    private final Peer phoneB = harness.peer();
    private int portA;
    private int portB;

    @AfterEach
    void close()
    {
        harness.close();
    }

    @Test
    void shouldForwardRtpBothWaysOutOfTheFarEndpointsPortUnchanged()
    {
        call(false, false, false);

        phoneA.rtp(portA, 7, 1120, SSRC_A, (byte)'a');
        final Peer.Received atB = harness.receive(phoneB);
        assertEquals(new java.net.InetSocketAddress(LOOPBACK, portB), atB.from(), "out of B's RTP port");
        assertEquals(7, atB.seq());
        assertEquals(SSRC_A, atB.ssrc());
        assertEquals('a', atB.tag());
        assertEquals(12 + Peer.PAYLOAD, atB.bytes().length);

        phoneB.rtp(portB, 9, 0, SSRC_B, (byte)'b');
        final Peer.Received atA = harness.receive(phoneA);
        assertEquals(new java.net.InetSocketAddress(LOOPBACK, portA), atA.from(), "out of A's RTP port");
        assertEquals(SSRC_B, atA.ssrc());
        assertEquals(2, harness.relay.counters().relayed());
    }

    @Test
    void shouldLatchThePeersRealSourceAndSendToItFromThen()
    {
        call(false, false, false);
        // A's SDP named phoneA, but A sits behind a NAT: its packets come from another port.
        final Peer natA = harness.peer();
        natA.rtp(portA, 1, 0, SSRC_A, (byte)'n');
        harness.receive(phoneB);
        harness.await("A's latch", () -> harness.reports.latched.stream().anyMatch(l -> l.endpointId() == A));
        final RecordedReports.Latch latch = harness.reports.latched.stream()
            .filter(l -> l.endpointId() == A).findFirst().orElseThrow();
        assertEquals(natA.address(), latch.source());
        assertFalse(latch.rtcp());

        phoneB.rtp(portB, 1, 0, SSRC_B, (byte)'b');
        assertEquals('b', harness.receive(natA).tag(), "B's media goes where A's really came from");
        assertNull(phoneA.receive(), "not to the SDP's address");
    }

    @Test
    void shouldRelayPacketsFromAnotherSourceAfterLatchingWhenNotStrict()
    {
        call(false, false, false);
        phoneA.rtp(portA, 1, 0, SSRC_A, (byte)'a');
        harness.receive(phoneB);

        final Peer stranger = harness.peer();
        stranger.rtp(portA, 2, 160, SSRC_A, (byte)'s');
        assertEquals('s', harness.receive(phoneB).tag());
    }

    @Test
    void shouldDropPacketsFromAnotherSourceAfterLatchingUnderStrictSource()
    {
        call(true, false, false);
        phoneA.rtp(portA, 1, 0, SSRC_A, (byte)'a');
        harness.receive(phoneB);

        final Peer stranger = harness.peer();
        stranger.rtp(portA, 2, 160, SSRC_A, (byte)'s');
        harness.await("the stranger's packet dropped", () -> harness.relay.counters().dropped() == 1);
        phoneA.rtp(portA, 3, 320, SSRC_A, (byte)'a');
        assertEquals(3, harness.receive(phoneB).seq(), "the next packet B gets is A's own");
        assertEquals(1, harness.relay.counters().dropped());
    }

    @Test
    void shouldRelayRtcpBetweenTheRtcpPorts()
    {
        call(false, false, false);
        final Peer rtcpB = harness.peer();
        harness.commands.peer(B, LOOPBACK, phoneB.port(), rtcpB.port(), false, 8000);
        harness.step();

        phoneA.rtcp(portA + 1, SSRC_A);
        final Peer.Received atB = harness.receive(rtcpB);
        assertTrue(atB.isRtcp());
        assertEquals(new java.net.InetSocketAddress(LOOPBACK, portB + 1), atB.from(), "out of B's RTCP port");
        harness.await("A's RTCP latched", () -> harness.reports.latched.stream()
            .anyMatch(l -> l.endpointId() == A && l.rtcp()));
    }

    @Test
    void shouldCarryRtcpOnTheRtpPortOfAMuxedLegAndOnTheRtcpPortOfTheOther()
    {
        call(false, true, false);
        final Peer rtcpB = harness.peer();
        harness.commands.peer(B, LOOPBACK, phoneB.port(), rtcpB.port(), false, 8000);
        harness.step();

        phoneA.rtcp(portA, SSRC_A);
        final Peer.Received atB = harness.receive(rtcpB);
        assertTrue(atB.isRtcp(), "A's muxed RTCP goes to B's RTCP port");
        assertEquals(portB + 1, atB.from().getPort());

        rtcpB.rtcp(portB + 1, SSRC_B);
        final Peer.Received atA = harness.receive(phoneA);
        assertTrue(atA.isRtcp(), "B's RTCP reaches muxed A on its RTP port");
        assertEquals(portA, atA.from().getPort());
        assertEquals(2, harness.relay.counters().relayed(), "both relayed");
    }

    @Test
    void shouldCountWhatAnEndpointReceivedWithLossAndJitter()
    {
        call(false, false, false);
        final long startNs = harness.clock.nanoTime();
        for (final int seq : new int[] {1, 2, 3, 5, 6, 9, 10})
        {
            harness.clock.update(startNs + seq * 20 * MS);
            phoneA.rtp(portA, seq, seq * 160, SSRC_A, (byte)'a');
            harness.receive(phoneB);
        }
        phoneA.rtcp(portA + 1, SSRC_A);
        harness.await("RTCP relayed", () -> harness.relay.counters().relayed() == 8);
        harness.commands.stats(A);
        harness.await("A's figures", () -> harness.reports.stats.containsKey(A));

        final RecordedReports.Figures figures = harness.reports.stats.get(A);
        assertEquals(8, figures.packets());
        assertEquals(7 * (12 + Peer.PAYLOAD) + 8, figures.bytes());
        assertEquals(1, figures.rtcpPackets());
        assertEquals(3, figures.lost(), "4, 7 and 8");
        assertEquals(0, figures.jitter(), "each packet at its timestamp's pace");
        assertEquals(startNs + 20 * MS, figures.firstNs());
        assertEquals(0, figures.dropped());
    }

    @Test
    void shouldReportAnIdlePairOnceAfterItsTimeoutAndAgainAfterNewSilence()
    {
        portA = harness.open(A, false, 1_000 * MS);
        portB = harness.open(B, false, 1_000 * MS);
        harness.peer(A, phoneA, false);
        harness.peer(B, phoneB, false);
        harness.link(A, B);

        harness.clock.advance(900 * MS);
        phoneB.rtp(portB, 1, 0, SSRC_B, (byte)'b');
        harness.receive(phoneA);
        harness.clock.advance(900 * MS);
        harness.step();
        assertTrue(harness.reports.idle.isEmpty(), "B's packet 900 ms ago keeps the pair alive");

        harness.clock.advance(200 * MS);
        harness.await("idle", () -> !harness.reports.idle.isEmpty());
        final RecordedReports.Idle idle = harness.reports.idle.get(0);
        assertEquals(A, idle.endpointId());
        assertEquals(B, idle.farEndpointId());

        harness.clock.advance(5_000 * MS);
        harness.step();
        harness.step();
        assertEquals(1, harness.reports.idle.size(), "once per silence");

        phoneA.rtp(portA, 1, 0, SSRC_A, (byte)'a');
        harness.receive(phoneB);
        harness.clock.advance(1_000 * MS);
        harness.await("idle again", () -> harness.reports.idle.size() == 2);
    }

    @Test
    void shouldWaitForTheHoldTimeoutWhileOnHold()
    {
        portA = harness.open(A, false, 1_000 * MS);
        portB = harness.open(B, false, 1_000 * MS);
        harness.link(A, B);
        harness.commands.timeout(A, 60_000 * MS);
        harness.commands.timeout(B, 60_000 * MS);
        harness.step();

        harness.clock.advance(30_000 * MS);
        harness.step();
        assertTrue(harness.reports.idle.isEmpty());
        harness.clock.advance(30_000 * MS);
        harness.await("idle on hold", () -> !harness.reports.idle.isEmpty());
    }

    @Test
    void shouldNeverReportAnEndpointWithoutTimeout()
    {
        harness.open(A, false, 0);
        harness.clock.advance(3_600_000 * MS);
        harness.step();
        harness.step();
        assertTrue(harness.reports.idle.isEmpty());
    }

    @Test
    void shouldDropWhatComesBeforeTheFarSideIsKnown()
    {
        portA = harness.open(A, false, 0);
        phoneA.rtp(portA, 1, 0, SSRC_A, (byte)'a');
        harness.await("dropped: no far side", () -> harness.relay.counters().dropped() == 1);

        portB = harness.open(B, false, 0);
        harness.link(A, B);
        phoneA.rtp(portA, 2, 160, SSRC_A, (byte)'a');
        harness.await("dropped: far peer unknown", () -> harness.relay.counters().dropped() == 2);

        // The callee's first packet latches it (183 before its SDP is known, say): from then on A reaches it.
        phoneB.rtp(portB, 1, 0, SSRC_B, (byte)'b');
        harness.receive(phoneA);
        phoneA.rtp(portA, 3, 320, SSRC_A, (byte)'a');
        assertEquals(3, harness.receive(phoneB).seq());
    }

    @Test
    void shouldCloseAnEndpointsPortsSoThatTheyCanBeOpenedAgainAtOnce()
    {
        call(false, false, false);
        phoneA.rtp(portA, 1, 0, SSRC_A, (byte)'a');
        harness.receive(phoneB);
        harness.commands.close(A);
        harness.await("closed", () -> harness.reports.closed.containsKey(A));
        assertEquals(1, harness.reports.closed.get(A).packets());

        harness.commands.open(3, portA, false, 0);
        harness.await("reopened", () -> harness.reports.opened.contains(3L));
        assertEquals(2, harness.relay.counters().endpoints());
    }

    @Test
    void shouldRefuseACommandForAnEndpointItDoesNotHave()
    {
        harness.commands.link(41, 42);
        harness.commands.close(43);
        harness.await("refused", () -> harness.reports.refused.size() == 2);
        assertEquals(2, harness.relay.counters().commandsRefused());
    }

    @Test
    void shouldRefuseAnOpenBeyondItsEndpointsAndADuplicateId()
    {
        try (MediaRelayHarness small = new MediaRelayHarness(
            RelayConfig.defaults(LOOPBACK).withMaxEndpoints(1)))
        {
            final int port = small.open(A, false, 0);
            small.commands.open(A, port + 2, false, 0);
            small.commands.open(B, MediaRelayHarness.freePair(), false, 0);
            small.await("both refused", () -> small.reports.openFailed.size() == 2);
            assertEquals(MediaReportListener.OpenFailure.DUPLICATE_ID, small.reports.openFailed.get(A));
            assertEquals(MediaReportListener.OpenFailure.TOO_MANY_ENDPOINTS, small.reports.openFailed.get(B));
            assertEquals(2, small.relay.counters().openFailures());
        }
    }

    @Test
    void shouldAnswerFalseWhenTheCommandRingIsFullInsteadOfWaiting()
    {
        final RelayConfig tiny = new RelayConfig(LOOPBACK, 10, RelayWait.POLL, 100 * MS, 1024, 4096);
        try (MediaRelayHarness small = new MediaRelayHarness(tiny))
        {
            int offered = 0;
            while (small.commands.stats(offered))
            {
                offered++;
            }
            assertTrue(offered > 0 && offered < 1024 / 8, "bounded by the ring: " + offered);
            assertFalse(small.commands.link(1, 2));
            assertEquals(2, small.commands.refused());

            small.step();
            assertTrue(small.commands.stats(0), "room again once the relay took commands");
        }
    }

    @Test
    void shouldDropReportsWhileTheReportRingIsFullAndReportIdleOnceThereIsRoom()
    {
        final RelayConfig tiny = new RelayConfig(LOOPBACK, 10, RelayWait.POLL, 100 * MS, 4096, 1024);
        try (MediaRelayHarness small = new MediaRelayHarness(tiny))
        {
            small.open(A, false, 1_000 * MS);
            for (int i = 0; i < 20; i++)
            {
                small.commands.stats(A);
            }
            small.relay.doWork();
            final long dropped = small.relay.counters().reportsDropped();
            assertTrue(dropped > 0, "a 1 KiB ring holds about ten STATS reports");

            small.clock.advance(1_000 * MS);
            small.relay.doWork();
            assertTrue(small.relay.counters().reportsDropped() > dropped, "the idle report found no room");

            small.step();
            small.clock.advance(100 * MS);
            small.step();
            assertEquals(1, small.reports.idle.size(), "tried again at the next tick, once there was room");
        }
    }

    @Test
    void shouldSendTheSameBytesItReceived()
    {
        call(false, false, false);
        phoneA.rtp(portA, 1234, 99_999, SSRC_A, (byte)'z');
        assertArrayEquals(phoneA.lastSent(), harness.receive(phoneB).bytes());
    }

    /** A and B open and linked, each phone where its SDP says. */
    private void call(final boolean strict, final boolean muxA, final boolean muxB)
    {
        portA = harness.open(A, strict, 0);
        portB = harness.open(B, strict, 0);
        harness.peer(A, phoneA, muxA);
        harness.peer(B, phoneB, muxB);
        harness.link(A, B);
    }
}
