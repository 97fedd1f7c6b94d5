package dev.referee.pipeline;

import dev.referee.ring.PlannedPause;
import dev.referee.transport.UdpTransport;

import java.io.IOException;
import java.util.concurrent.locks.LockSupport;

/**
 * The UDP receive thread of a pipeline whose engine reads the sockets itself (pipeline.udp-receive: engine): it
 * reads them only while the engine is in a planned pause (a journal snapshot, up to a second at a high rate), so
 * that what arrives meanwhile waits in the inbound ring, judged and absorbed as usual, and not in the kernel's socket
 * buffer, which would overflow. The sockets have one reader at a time: the engine gives them here when its pause
 * begins and takes them back when it ends, waiting for this thread to let go.
 * <p>
 * Hand-over, both ways by volatile writes then reads (each side writes its own flag, then reads the other's, so at
 * least one sees the other): the engine writes {@code receiverReads} then reads {@code receiverIdle}; this thread
 * writes {@code receiverIdle} then reads {@code receiverReads}.
 */
final class PauseReceiver implements Runnable, PlannedPause
{
    /** How long one wait in the selector lasts while this thread reads (it ends early when the engine wakes it). */
    private static final long WAIT_MS = 10;

    private final UdpTransport udp;
    private volatile boolean receiverReads;
    private volatile boolean receiverIdle = true;
    private volatile boolean running = true;
    private volatile Thread thread;

    PauseReceiver(final UdpTransport udp)
    {
        this.udp = udp;
    }

    /** Engine thread: its planned pause begins; this thread reads the sockets until it ends. */
    @Override
    public void pauseBegins()
    {
        receiverReads = true;
        LockSupport.unpark(thread);
    }

    /** Engine thread: its pause ended; returns once this thread has stopped reading the sockets. */
    @Override
    public void pauseEnds()
    {
        receiverReads = false;
        while (!receiverIdle)
        {
            udp.wakeup(); // out of its wait in the selector; it lets go after the batch it is reading
            Thread.onSpinWait();
        }
    }

    @Override
    public void run()
    {
        thread = Thread.currentThread();
        try
        {
            while (running)
            {
                receiverIdle = false;
                if (!receiverReads)
                {
                    receiverIdle = true;
                    LockSupport.park(this);
                    continue;
                }
                udp.receive(WAIT_MS);
            }
        }
        catch (final IOException ex)
        {
            if (running)
            {
                System.getLogger(PauseReceiver.class.getName()).log(System.Logger.Level.ERROR, "UDP receive", ex);
            }
        }
        finally
        {
            receiverIdle = true;
        }
    }

    /** Makes {@link #run()} return; any thread. */
    void stop()
    {
        running = false;
        udp.wakeup();
        LockSupport.unpark(thread);
    }
}
