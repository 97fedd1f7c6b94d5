package dev.referee.media;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The forwarding path allocates nothing per packet: the bytes the relay's duty cycles allocate while relaying a
 * thousand packets each way, after as many to warm up, measured on the thread that runs them (this one).
 */
class ForwardingAllocationTest
{
    private static final int PACKETS = 1_000;
    private final com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
    private final MediaRelayHarness harness = new MediaRelayHarness();
    private long allocatedBytes;
    private int cyclesAllocating;

    @AfterEach
    void close()
    {
        harness.close();
    }

    @Test
    void shouldAllocateNothingPerRelayedPacket()
    {
        final Peer phoneA = harness.peer();
        final Peer phoneB = harness.peer();
        final int portA = harness.open(1, true, 60_000 * MediaRelayHarness.MS);
        final int portB = harness.open(2, true, 60_000 * MediaRelayHarness.MS);
        harness.peer(1, phoneA, false);
        harness.peer(2, phoneB, false);
        harness.link(1, 2);

        relay(phoneA, portA, phoneB, portB, 0);
        allocatedBytes = 0;
        cyclesAllocating = 0;
        relay(phoneA, portA, phoneB, portB, PACKETS);

        // A one-off may show (seen: one cycle of 1,376 bytes in 2,000, the JIT's doing); per packet would be
        // every cycle.
        assertTrue(cyclesAllocating <= 3, cyclesAllocating + " cycles allocated " + allocatedBytes + " bytes for " +
            PACKETS + " packets each way");
    }

    private void relay(final Peer phoneA, final int portA, final Peer phoneB, final int portB, final int from)
    {
        for (int seq = from; seq < from + PACKETS; seq++)
        {
            final long before = harness.relay.counters().relayed();
            phoneA.rtp(portA, seq, seq * 160, 0xA, (byte)'a');
            phoneB.rtp(portB, seq, seq * 160, 0xB, (byte)'b');
            harness.clock.advance(20 * MediaRelayHarness.MS);
            // Spins on the relay (no sleep, no allocating await): loopback delivers within the send call.
            for (int cycles = 0; harness.relay.counters().relayed() - before < 2; cycles++)
            {
                if (cycles > 1_000_000)
                {
                    throw new AssertionError("packets " + seq + " not relayed");
                }
                final long start = threads.getCurrentThreadAllocatedBytes();
                harness.relay.doWork();
                final long delta = threads.getCurrentThreadAllocatedBytes() - start;
                allocatedBytes += delta;
                cyclesAllocating += delta > 0 ? 1 : 0;
            }
            phoneA.receive();
            phoneB.receive();
        }
    }
}
