package dev.referee.pipeline;

/**
 * pipeline.receive-priority: the UDP receive thread runs that many nice steps above the engine and send threads, so
 * that on a core short of CPU the sockets are read first. A receive thread that falls behind leaves datagrams in the
 * kernel's socket buffer, which drops whatever arrives once it is full, requests and responses of admitted calls as
 * much as new INVITEs, and admission control cannot see that backlog; read promptly, the backlog waits in the
 * inbound ring instead, where admission sees it as the engine's lag and sheds new calls with 503 (docs/overload.md).
 * Its work per datagram is small and bounded by what arrives (a flood is dropped by the border at that cost); with a
 * core to spare the priorities change nothing. The TCP thread keeps the engine's priority: a stream's bytes wait in
 * the kernel without loss (the peer's window holds it back), and its TLS handshakes are dear enough that raised they
 * could take the engine's time for established calls.
 * <p>
 * Where the process may raise a thread's priority (root, CAP_SYS_NICE, or an RLIMIT_NICE such as systemd's
 * LimitNICE=-5) the receive thread is raised and the engine keeps the process's priority against other processes;
 * otherwise the engine and send threads are lowered instead, which orders the pipeline's own threads the same but
 * lets other busy processes on the node take more from the engine. Decided once, at start, by a probe thread.
 */
final class ReceiveFirst
{
    private final int steps;
    private final boolean raiseReceiving;

    /** {@code steps} from pipeline.receive-priority (0: every thread keeps the process's priority). */
    static ReceiveFirst probe(final int steps)
    {
        return new ReceiveFirst(steps, steps > 0 && ThreadNice.canRaise(steps));
    }

    ReceiveFirst(final int steps, final boolean raiseReceiving)
    {
        this.steps = steps;
        this.raiseReceiving = raiseReceiving;
    }

    /** Whether the receive thread is raised (true) or the engine and send threads lowered (false). */
    boolean raisesReceiving()
    {
        return raiseReceiving;
    }

    /** {@code stage} as the UDP receive thread runs it. */
    Runnable receiving(final Runnable stage)
    {
        return steps > 0 && raiseReceiving ? shifted(-steps, stage) : stage;
    }

    /** {@code stage} as the engine or send thread runs it. */
    Runnable behindTheRing(final Runnable stage)
    {
        return steps > 0 && !raiseReceiving ? shifted(steps, stage) : stage;
    }

    private static Runnable shifted(final int by, final Runnable stage)
    {
        return () ->
        {
            if (!ThreadNice.shiftCurrentThread(by))
            {
                System.getLogger(ReceiveFirst.class.getName()).log(System.Logger.Level.INFO,
                    Thread.currentThread().getName() + " keeps the process's priority: its nice value cannot be set " +
                    "here (pipeline.receive-priority)");
            }
            stage.run();
        };
    }
}
