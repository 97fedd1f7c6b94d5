package dev.referee.transport;

import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.channels.DatagramChannel;

/**
 * Linux's recvmmsg(2) and sendmmsg(2), called through JNR on the file descriptor of a {@link DatagramChannel}: one
 * system call reads or writes a whole batch of datagrams. The JDK has only a call per datagram, and on this
 * project's machines (virtual, two cores) entering the kernel is a good part of what a datagram costs
 * (docs/benchmarks.md, "Datagrams in batches").
 * <p>
 * {@link #load()} answers null where the calls cannot be had (another OS, a 32-bit JVM, no JNR, the JDK's
 * {@code sun.nio.ch} not exported to read a channel's descriptor); {@link UdpTransport} then reads and writes through
 * the channels, as before.
 */
final class LinuxDatagramCalls
{
    /** recv/send flag: do not block (the channels are non-blocking anyway; this keeps a call from ever waiting). */
    static final int MSG_DONTWAIT = 0x40;
    static final int EAGAIN = 11;
    static final int EINTR = 4;
    static final int ECONNREFUSED = 111;

    /** The two calls as glibc declares them; pointers passed as 64-bit addresses (checked in {@link #load()}). */
    public interface LibC
    {
        int recvmmsg(int fd, long messages, int count, int flags, long timeout);

        int sendmmsg(int fd, long messages, int count, int flags);

        int setsockopt(int fd, int level, int name, long value, int length);
    }

    /** SOL_SOCKET and SO_TIMESTAMPNS (the same numbers on x86-64 and AArch64); the control message's type too. */
    static final int SOL_SOCKET = 1;
    static final int SO_TIMESTAMPNS = 35;

    private final LibC libc;
    private final Runtime runtime;
    private final MethodHandle fdOfChannel;

    private LinuxDatagramCalls(final LibC libc, final MethodHandle fdOfChannel)
    {
        this.libc = libc;
        this.runtime = Runtime.getRuntime(libc);
        this.fdOfChannel = fdOfChannel;
    }

    /** The calls, or null where this system does not offer them to Referee (see the class). */
    static LinuxDatagramCalls load()
    {
        if (!System.getProperty("os.name", "").startsWith("Linux"))
        {
            return null;
        }
        try
        {
            final LibC libc = LibraryLoader.create(LibC.class).load("c");
            if (Runtime.getRuntime(libc).addressSize() != 8)
            {
                return null;
            }
            final MethodHandle fdOf = MethodHandles.lookup().findVirtual(
                Class.forName("sun.nio.ch.SelChImpl"), "getFDVal", MethodType.methodType(int.class));
            return new LinuxDatagramCalls(libc, fdOf);
        }
        catch (final ReflectiveOperationException | RuntimeException | LinkageError ex)
        {
            System.getLogger(LinuxDatagramCalls.class.getName()).log(System.Logger.Level.INFO,
                "recvmmsg/sendmmsg not available, one system call per datagram: " + ex);
            return null;
        }
    }

    /** The channel's file descriptor. */
    int fdOf(final DatagramChannel channel)
    {
        try
        {
            return (int)fdOfChannel.invoke(channel);
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException("file descriptor of " + channel, ex);
        }
    }

    /** Reads up to {@code count} datagrams without waiting: how many, or -1 (see {@link #errno()}). */
    int receive(final int fd, final DatagramVector vector, final int count)
    {
        return libc.recvmmsg(fd, vector.address(), count, MSG_DONTWAIT, 0L);
    }

    /** Writes the vector's first {@code count} datagrams: how many went, or -1 (see {@link #errno()}). */
    int send(final int fd, final DatagramVector vector, final int first, final int count)
    {
        return libc.sendmmsg(fd, vector.messageAddress(first), count, MSG_DONTWAIT);
    }

    /**
     * Asks the kernel to stamp each datagram the socket receives with the time it arrived (SO_TIMESTAMPNS, the
     * system's real-time clock), handed over as a control message of recvmmsg ({@link DatagramVector#arrivalEpochNs}).
     *
     * @return false when the socket refused (then no datagram carries a stamp).
     */
    boolean stampArrivals(final int fd)
    {
        final java.nio.ByteBuffer one = java.nio.ByteBuffer.allocateDirect(4).order(java.nio.ByteOrder.nativeOrder());
        one.putInt(0, 1);
        return libc.setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, org.agrona.BufferUtil.address(one), 4) == 0;
    }

    /** errno of this thread's last call. */
    int errno()
    {
        return LastError.getLastError(runtime);
    }
}
