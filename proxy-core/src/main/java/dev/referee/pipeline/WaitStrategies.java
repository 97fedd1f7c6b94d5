package dev.referee.pipeline;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.LiteBlockingWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.TimeoutBlockingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;

import java.util.concurrent.TimeUnit;

/**
 * Disruptor wait strategies by their configuration name.
 * <p>
 * <b>Why "blocking" is the default.</b> The machines this runs on have 2 cores and the pipeline has 6 threads
 * (UDP receive, TCP I/O, ticker, parse, engine, send). A spinning or yielding consumer keeps a core busy while
 * its ring is empty, which takes CPU from exactly the threads that have work (receive, engine), and busy-spin
 * with more threads than cores starves producers outright. SIP rates are tens of thousands of messages per
 * second, orders below what a blocking ring sustains (millions/s), so the futex wake a blocking strategy pays
 * per batch is cheap next to a socket syscall, and an idle node uses no CPU. "sleeping" is the candidate when
 * measurements show wake latency matters more than idle CPU: it spins briefly, yields, then parks 100 us.
 */
public final class WaitStrategies
{
    public static final String BLOCKING = "blocking";
    public static final String LITE_BLOCKING = "lite-blocking";
    public static final String TIMEOUT_BLOCKING = "timeout-blocking";
    public static final String SLEEPING = "sleeping";
    public static final String YIELDING = "yielding";
    public static final String BUSY_SPIN = "busy-spin";

    private WaitStrategies()
    {
    }

    /**
     * A new strategy instance (one per ring: blocking strategies hold the ring's lock).
     *
     * @param name one of the names above, case-insensitive; null or empty means {@link #BLOCKING}.
     * @throws IllegalArgumentException naming the value when it is not known.
     */
    public static WaitStrategy of(final String name)
    {
        if (name == null || name.isBlank())
        {
            return new BlockingWaitStrategy();
        }

        switch (name.trim().toLowerCase(java.util.Locale.ROOT))
        {
            case BLOCKING:
                return new BlockingWaitStrategy();
            case LITE_BLOCKING:
                return new LiteBlockingWaitStrategy();
            case TIMEOUT_BLOCKING:
                return new TimeoutBlockingWaitStrategy(1, TimeUnit.MILLISECONDS);
            case SLEEPING:
                return new SleepingWaitStrategy();
            case YIELDING:
                return new YieldingWaitStrategy();
            case BUSY_SPIN:
                return new BusySpinWaitStrategy();
            default:
                throw new IllegalArgumentException("unknown pipeline waitStrategy \"" + name + "\" (known: " +
                    BLOCKING + ", " + LITE_BLOCKING + ", " + TIMEOUT_BLOCKING + ", " + SLEEPING + ", " + YIELDING +
                    ", " + BUSY_SPIN + ")");
        }
    }
}
