package dev.referee.ops.node;

import dev.referee.journal.Journal;
import dev.referee.ops.config.RefereeConfig;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * The warm-up ({@link WarmUp}) on a thread of its own while a restarting node replays its journal: the two used to
 * run one after the other, and after a minute at 3,000 calls/s the replay alone (4-5 s) came on top of the warm-up
 * (5 s), taking a restart past 10 s. They share nothing but the compiled code: the warm-up node listens on its own
 * loopback port and journals into a directory of its own, the replay runs the real engine behind its closed gate.
 * The node's listeners are bound before the warm-up starts (a bound socket holds what arrives meanwhile, as during
 * any replay) and its pipeline starts once both are done: nothing is answered before the calls are recovered.
 */
final class ParallelWarmUp
{
    private final FutureTask<WarmUp.Result> task;

    private ParallelWarmUp(final FutureTask<WarmUp.Result> task)
    {
        this.task = task;
    }

    /**
     * True when {@code config}'s node has a journal to replay: then it warms up beside the replay. A node starting on
     * no journal warms up before it binds its listeners, as before (nothing to overlap, and a port that is not open
     * yet refuses at once rather than holding requests).
     */
    static boolean worthwhile(final RefereeConfig config) throws IOException
    {
        return config.journal().enabled() && config.warmUp().enabled() && Journal.exists(config.journalDir());
    }

    /** Starts warming up per {@code config} on a new thread. */
    static ParallelWarmUp start(final RefereeConfig config)
    {
        final FutureTask<WarmUp.Result> task = new FutureTask<>(() -> WarmUp.run(config));
        final Thread thread = new Thread(task, "referee-warm-up");
        thread.setDaemon(true);
        thread.start();
        return new ParallelWarmUp(task);
    }

    /** Waits for the warm-up to end: its result, or what it threw. */
    WarmUp.Result await() throws Exception
    {
        try
        {
            return task.get();
        }
        catch (final ExecutionException ex)
        {
            throw ex.getCause() instanceof Exception cause ? cause : ex;
        }
    }
}
