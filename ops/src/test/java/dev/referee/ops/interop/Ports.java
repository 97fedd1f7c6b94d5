package dev.referee.ops.interop;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The loopback address the interop processes use, and a bounded wait for a condition. No process of a test gets a
 * port chosen here: Referee and SIPp bind port 0 themselves and report the port they got (RefereeProcess, SippRun),
 * so no other process can take a port between a probe and the bind.
 */
final class Ports
{
    static final String LOOPBACK = "127.0.0.1";
    private static final Duration POLL = Duration.ofMillis(50);

    private Ports()
    {
    }

    /** Checks the condition every 50 ms until it holds or the timeout passes; returns whether it held. */
    static boolean await(final BooleanSupplier condition, final Duration timeout)
    {
        try
        {
            Awaitility.await().pollDelay(Duration.ZERO).pollInterval(POLL).atMost(timeout)
                .until(condition::getAsBoolean);
            return true;
        }
        catch (final ConditionTimeoutException ex)
        {
            return condition.getAsBoolean();
        }
    }
}
