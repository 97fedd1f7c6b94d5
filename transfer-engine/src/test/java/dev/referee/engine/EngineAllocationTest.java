package dev.referee.engine;

import dev.referee.journal.OutputCheck;
import dev.referee.journal.RecordedInputs;
import dev.referee.journal.SyntheticRecordings;
import dev.referee.pipeline.SipSender;
import dev.referee.sip.SipMessage;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine's garbage per basic call stays within a budget (issue 8: at most 2 KB). Recorded basic calls are
 * replayed into fresh engines until the JIT has compiled them, then the bytes the current thread allocates inside
 * {@code Engine.onMessage}/{@code onTick} are counted (the parse before each call and the sender, which allocates
 * nothing, are outside the count). Lower the budget when an allocation site goes; a new one fails here.
 */
class EngineAllocationTest
{
    /** Bytes per basic call the engine may allocate (INVITE, 180, 200, ACK, BYE, 200 and the timers after them). */
    static final long BUDGET_PER_CALL = 10_000;

    private static final int CALLS = 1_000;
    private static final int WARM_UP_REPLAYS = 20;
    private static final int MEASURED_REPLAYS = 3;
    private static final SipSender NOTHING = (transport, destination, connectionId, buffer, offset, length) -> true;

    private final com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
    private final SipMessage message = new SipMessage();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[0]);

    @Test
    void shouldAllocateWithinTheBudgetPerBasicCall()
    {
        assertTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        final RecordedInputs calls = SyntheticRecordings.basicCalls(CALLS, 42);
        OutputCheck.verifyReplay(calls);

        for (int i = 0; i < WARM_UP_REPLAYS; i++)
        {
            replay(calls);
        }
        long least = Long.MAX_VALUE;
        for (int i = 0; i < MEASURED_REPLAYS; i++)
        {
            least = Math.min(least, replay(calls));
        }
        final double perCall = (double)least / CALLS;
        System.out.printf("engine allocation: %.0f bytes per basic call (%d calls, %d inputs, budget %d)%n",
            perCall, CALLS, calls.size(), BUDGET_PER_CALL);
        assertTrue(perCall <= BUDGET_PER_CALL,
            "the engine allocated " + Math.round(perCall) + " bytes per basic call, budget " + BUDGET_PER_CALL);
    }

    /** Replays every call into a fresh engine; returns the bytes allocated inside the engine's input methods. */
    private long replay(final RecordedInputs calls)
    {
        final Engine engine = new Engine(calls.config(), NOTHING, new EngineCounters());
        long allocated = 0;
        for (int i = 0, n = calls.size(); i < n; i++)
        {
            final long timeNs = calls.timeNs(i);
            if (calls.isTick(i))
            {
                final long before = threads.getCurrentThreadAllocatedBytes();
                engine.onTick(timeNs);
                allocated += threads.getCurrentThreadAllocatedBytes() - before;
            }
            else
            {
                final int length = calls.wrap(i, buffer);
                final boolean parsed = message.parse(buffer, 0, length);
                final long before = threads.getCurrentThreadAllocatedBytes();
                engine.onMessage(message, parsed, calls.transport(i), calls.source(i), calls.connectionId(i), timeNs);
                allocated += threads.getCurrentThreadAllocatedBytes() - before;
            }
        }
        assertEquals(0, engine.activeCalls());
        assertEquals(0, engine.transactions());
        return allocated - calls.size() * probeCost();
    }

    /** What one pair of {@code getCurrentThreadAllocatedBytes} calls counts by itself (0 on JDK 17). */
    private long probeCost()
    {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 16; i++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            least = Math.min(least, threads.getCurrentThreadAllocatedBytes() - before);
        }
        return least;
    }
}
