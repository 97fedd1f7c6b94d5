package dev.referee.pipeline;

import dev.referee.transport.UdpTransport;

import java.io.IOException;
import java.util.concurrent.locks.LockSupport;

/**
 * The UDP receive thread of a pipeline whose engine reads the sockets itself (pipeline.udp-receive: engine): it
 * reads them only while the engine gives them ({@link ReceivingEngine}: during a planned pause, and while the engine
 * is behind), so that what arrives meanwhile is read, judged and absorbed on this thread and waits in the inbound
 * ring, as in the staged pipeline, not in the kernel's socket buffer. The sockets have one reader at a time: the
 * engine thread gives them with {@link #give()} and takes them back with {@link #takeBack()}, which waits for this
 * thread to let go.
 * <p>
 * Hand-over, both ways by volatile writes then reads (each side writes its own flag, then reads the other's, so at
 * least one sees the other): the engine writes {@code receiverReads} then reads {@code receiverIdle}; this thread
 * writes {@code receiverIdle} then reads {@code receiverReads}.
 */
final class StandbyReceiver implements Runnable
{
    /** How long one wait in the selector lasts while this thread reads (it ends early when the engine wakes it). */
    private static final long WAIT_MS = 10;

    private final UdpTransport udp;
    private volatile boolean receiverReads;
    private volatile boolean receiverIdle = true;
    private volatile boolean running = true;
    private volatile Thread thread;

    StandbyReceiver(final UdpTransport udp)
    {
        this.udp = udp;
    }

    /** Engine thread: this thread reads the sockets from now on, until {@link #takeBack()}. */
    void give()
    {
        receiverReads = true;
        LockSupport.unpark(thread);
    }

    /** Engine thread: returns once this thread has stopped reading the sockets; the caller reads them then. */
    void takeBack()
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
                System.getLogger(StandbyReceiver.class.getName()).log(System.Logger.Level.ERROR, "UDP receive", ex);
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
