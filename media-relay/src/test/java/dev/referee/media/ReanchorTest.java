package dev.referee.media;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.referee.media.MediaRelayHarness.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A transfer's join on the relay: the transferee's endpoint keeps its ports and its far side moves from the
 * transferor's endpoint to the target's. Every phone sends a packet every 20 ms of the test clock; each step the
 * relay runs until every packet sent was either relayed or dropped, so what the transferee's phone got is known
 * step by step.
 */
class ReanchorTest
{
    private static final long TRANSFEREE = 10;
    private static final long TRANSFEROR = 11;
    private static final long TARGET = 12;
    private static final long PTIME_NS = 20 * MS;
    private static final int STEPS = 100;
    private static final int TARGET_ANSWERS_AT_STEP = 30;
    private static final int JOIN_AT_STEP = 50;

    private final MediaRelayHarness harness = new MediaRelayHarness();
    private final Peer transferee = harness.peer();
    private final Peer transferor = harness.peer();
    private final Peer target = harness.peer();
    private final List<Long> heardAtNs = new ArrayList<>();
    private final List<Byte> heardFrom = new ArrayList<>();
    private final List<Integer> transferorGot = new ArrayList<>();
    private final List<Integer> targetGot = new ArrayList<>();

    @AfterEach
    void close()
    {
        harness.close();
    }

    @Test
    void shouldSwitchTheTransfereeToTheTargetWithoutAGapAndWithoutAnyPacketOfTheTransferorAfter()
    {
        final int transfereePort = harness.open(TRANSFEREE, false, 0);
        final int transferorPort = harness.open(TRANSFEROR, false, 0);
        harness.peer(TRANSFEREE, transferee, false);
        harness.peer(TRANSFEROR, transferor, false);
        harness.link(TRANSFEREE, TRANSFEROR);
        int targetPort = 0;
        long switchNs = 0;

        for (int step = 0; step < STEPS; step++)
        {
            harness.clock.advance(PTIME_NS);
            if (step == TARGET_ANSWERS_AT_STEP)
            {
                targetPort = harness.open(TARGET, false, 0);
                harness.peer(TARGET, target, false);
            }
            final long before = handled();
            transferee.rtp(transfereePort, step, step * 160, 0x7E, (byte)'t');
            transferor.rtp(transferorPort, step, step * 160, 0x70, (byte)'x');
            int sent = 2;
            if (targetPort != 0)
            {
                // The target's phone sends from its answer on: dropped until the join links it.
                target.rtp(targetPort, step, step * 160, 0xC0, (byte)'c');
                sent++;
            }
            if (step == JOIN_AT_STEP)
            {
                // The join completes with the three packets of this step already in the sockets: the transferor's
                // must not get through, although it was sent before the switch was posted.
                switchNs = harness.clock.nanoTime();
                MediaRelayHarness.assertOffered(harness.commands.link(TRANSFEREE, TARGET));
            }
            final int expected = sent;
            harness.await("step " + step + " handled", () -> handled() - before == expected);
            collect(step);
        }

        for (int i = 0; i < heardAtNs.size(); i++)
        {
            if (heardAtNs.get(i) >= switchNs)
            {
                assertEquals('c', (char)(byte)heardFrom.get(i), "after the switch, only the target at " + i);
            }
            else
            {
                assertEquals('x', (char)(byte)heardFrom.get(i), "before the switch, only the transferor at " + i);
            }
        }
        long longestGapNs = 0;
        for (int i = 1; i < heardAtNs.size(); i++)
        {
            longestGapNs = Math.max(longestGapNs, heardAtNs.get(i) - heardAtNs.get(i - 1));
        }
        assertTrue(longestGapNs <= 60 * MS, "longest gap at the transferee " + longestGapNs / MS + " ms");
        assertEquals(STEPS, heardAtNs.size(),
            "one packet every step: the transferor's before the switch, the target's from it");
        assertEquals(JOIN_AT_STEP, transferorGot.size(), "the transferor hears the transferee until the switch");
        assertTrue(targetGot.size() == STEPS - JOIN_AT_STEP && targetGot.get(0) == JOIN_AT_STEP,
            "the target hears the transferee from the switch on: " + targetGot);
    }

    private long handled()
    {
        return harness.relay.counters().relayed() + harness.relay.counters().dropped();
    }

    private void collect(final int step)
    {
        for (Peer.Received got = transferee.receive(); got != null; got = transferee.receive())
        {
            heardAtNs.add(harness.clock.nanoTime());
            heardFrom.add(got.tag());
        }
        for (Peer.Received got = transferor.receive(); got != null; got = transferor.receive())
        {
            transferorGot.add(got.seq());
        }
        for (Peer.Received got = target.receive(); got != null; got = target.receive())
        {
            targetGot.add(got.seq());
        }
    }
}
