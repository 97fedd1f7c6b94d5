package dev.referee.media;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RtpStatsTest
{
    private static final long MS = 1_000_000L;
    private static final int SSRC = 0x1234_5678;

    private final RtpStats stats = new RtpStats(8000);

    @Test
    void shouldCountPacketsBytesAndTheFirstAndLastTimes()
    {
        rtp(1, 0, 100 * MS);
        rtp(2, 160, 120 * MS);
        stats.onOther(60, 130 * MS);

        assertEquals(3, stats.packets());
        assertEquals(172 + 172 + 60, stats.bytes());
        assertEquals(1, stats.rtcpPackets());
        assertEquals(100 * MS, stats.firstNs());
        assertEquals(130 * MS, stats.lastNs());
    }

    @Test
    void shouldCountMissingSequenceNumbersAsLost()
    {
        for (final int seq : new int[] {1, 2, 3, 5, 6, 8, 9, 10})
        {
            rtp(seq, seq * 160, seq * 20 * MS);
        }
        assertEquals(2, stats.lost());
    }

    @Test
    void shouldCountLossAcrossTheSequenceNumberWrap()
    {
        rtp(65533, 0, 0);
        rtp(65534, 160, 20 * MS);
        rtp(0, 480, 60 * MS);
        rtp(2, 800, 100 * MS);

        assertEquals(2, stats.lost(), "65535 and 1");
    }

    @Test
    void shouldNotCountALatePacketOrADuplicateAsLost()
    {
        rtp(1, 0, 0);
        rtp(2, 160, 20 * MS);
        rtp(4, 480, 60 * MS);
        rtp(3, 320, 61 * MS);
        rtp(4, 480, 62 * MS);

        assertEquals(0, stats.lost());
        assertEquals(5, stats.packets());
    }

    @Test
    void shouldStartTheSequenceOverOnANewSsrcKeepingTheLossesSoFar()
    {
        rtp(1, 0, 0);
        rtp(3, 320, 40 * MS);
        stats.onRtp(172, 40_000, 99, 0x0BAD_CAFE, 60 * MS);
        stats.onRtp(172, 40_001, 259, 0x0BAD_CAFE, 80 * MS);

        assertEquals(1, stats.lost());
    }

    @Test
    void shouldResynchroniseAfterABigJumpConfirmedByTheNextPacket()
    {
        rtp(1, 0, 0);
        rtp(2, 160, 20 * MS);
        rtp(30_000, 320, 40 * MS);
        rtp(30_001, 480, 60 * MS);
        rtp(30_002, 640, 80 * MS);

        assertEquals(0, stats.lost(), "a sender that restarted its sequence lost nothing");
    }

    @Test
    void shouldHaveNoJitterWhenPacketsArriveAtTheirTimestampPace()
    {
        for (int i = 0; i < 100; i++)
        {
            rtp(i, i * 160, 1_000 * MS + i * 20 * MS);
        }
        assertEquals(0, stats.jitter());
    }

    @Test
    void shouldFollowRfc3550A8ForAlternatingDelays()
    {
        // Every other packet 10 ms late: each transit differs from the one before by 80 timestamp units (8 kHz).
        rtp(0, 0, 0);
        rtp(1, 160, 30 * MS);
        assertEquals(80 / 16, stats.jitter(), "J = J + (|D| - J) / 16 from 0");

        for (int i = 2; i < 300; i++)
        {
            rtp(i, i * 160, i * 20 * MS + (i % 2) * 10 * MS);
        }
        assertTrue(stats.jitter() >= 78 && stats.jitter() <= 80, "converges to |D| = 80: " + stats.jitter());
    }

    @Test
    void shouldKeepNoJitterWithoutAClockRate()
    {
        final RtpStats unknown = new RtpStats(0);
        unknown.onRtp(172, 0, 0, SSRC, 0);
        unknown.onRtp(172, 1, 160, SSRC, 90 * MS);
        assertEquals(0, unknown.jitter());
    }

    private void rtp(final int seq, final int timestamp, final long nowNs)
    {
        stats.onRtp(172, seq, timestamp, SSRC, nowNs);
    }
}
