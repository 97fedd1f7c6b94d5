package dev.referee.journal;

import jnr.ffi.LibraryLoader;
import net.openhft.posix.PosixAPI;

import java.io.File;

/**
 * What the housekeeping thread tells the kernel about the cycle file being written, through a descriptor of its
 * own: its disk blocks ahead of the writers are reserved ({@code fallocate}, {@code FALLOC_FL_KEEP_SIZE}), and its
 * pages far behind them are written back and dropped from the page cache ({@code posix_fadvise(DONTNEED)}).
 * <p>
 * Why drop: the journal streams about 6 KB a call to the file. Left in the page cache, every page it writes is a page
 * of memory the machine never used before, for the first gigabytes, and on a VM that hands free memory back to its
 * host (virtio-balloon free page reporting, as here) the first touch of such a page costs 15-20 us of CPU against
 * about 1 us for a page the kernel had freed a moment before: at 3,000 calls/s that was about a fifth of the node's
 * CPU (docs/benchmarks.md, "The journal's pages"). Dropped behind the writer, the file's pages are recycled, and the
 * journal holds a bounded part of the page cache (about a chunk of the mapping behind the writer, and what is ahead).
 * Readers of older records (the tools, recovery past that window) read them from the disk.
 * <p>
 * Every call is advice: a kernel or file system that refuses leaves the writers working as without it. Housekeeping
 * thread only.
 */
final class CycleFilePages implements AutoCloseable
{
    /** How much one {@code fallocate} reserves, and the unit of dropping. */
    static final long STEP_BYTES = 4L << 20;
    private static final int O_RDWR = 2;
    private static final int FALLOC_FL_KEEP_SIZE = 1;
    private static final int POSIX_FADV_DONTNEED = 4;
    private static final int SYNC_FILE_RANGE_WAIT_BEFORE = 1;
    private static final int SYNC_FILE_RANGE_WRITE = 2;
    private static final int SYNC_FILE_RANGE_WAIT_AFTER = 4;

    /** The libc calls Chronicle's POSIX binding lacks. */
    public interface LibC
    {
        int posix_fadvise(int fd, long offset, long length, int advice);

        int sync_file_range(int fd, long offset, long length, int flags);

        /** With an int advice: jnr-posix's enum of flags has no {@code MADV_POPULATE_WRITE}. */
        int madvise(long address, long length, int advice);
    }

    /** The binding, bound on first use; throws when there is no native access. */
    static LibC libc()
    {
        return Native.LIBC;
    }

    /** Bound once, on first use (jnr-ffi generates a class per binding); a failure here is thrown at every use. */
    private static final class Native
    {
        static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
    }

    private final PosixAPI posix;
    private final LibC libc;
    private final int fd;
    private final long keepBehindBytes;
    /** The end of the first mapping chunk, which holds the header: dropping starts there. */
    private final long sweepFrom;
    private long reservedTo = -1;
    /** Writeback started (a first DONTNEED) up to here. */
    private long writebackTo;
    /** Dropped (a second DONTNEED, once written back) up to here. */
    private long droppedTo;
    private String failure = "";

    private CycleFilePages(final PosixAPI posix, final LibC libc, final int fd, final long mappedBytes)
    {
        this.posix = posix;
        this.libc = libc;
        this.fd = fd;
        this.keepBehindBytes = (mappedBytes + 2 * STEP_BYTES - 1) & -STEP_BYTES;
        this.sweepFrom = (mappedBytes + STEP_BYTES - 1) & -STEP_BYTES;
        this.writebackTo = sweepFrom;
        this.droppedTo = sweepFrom;
    }

    /**
     * Opens {@code file}, whose writers map it in chunks of {@code mappedBytes} (a chunk with its overlap): what stays
     * cached behind the write position is more than that, so that dropping does not meet the pages the writers and
     * the tailers following them still map (the kernel would keep them, and they would stay cached). Null when it
     * cannot be opened (no native access, or the file is not there): the writers then work as without it.
     */
    static CycleFilePages open(final File file, final long mappedBytes)
    {
        try
        {
            final PosixAPI posix = PosixAPI.posix();
            final LibC libc = Native.LIBC;
            final int fd = posix.open(file.getPath(), O_RDWR, 0);
            return fd < 0 ? null : new CycleFilePages(posix, libc, fd, mappedBytes);
        }
        catch (final Throwable ex)
        {
            return null;
        }
    }

    /**
     * Reserves the blocks from where the last call stopped (the step holding {@code from}, the first time) to at
     * least {@code to}. False when the file system refuses ({@code EOPNOTSUPP}, full disk): then reserve no more.
     */
    boolean reserveTo(final long from, final long to)
    {
        if (reservedTo < 0)
        {
            reservedTo = from & -STEP_BYTES;
        }
        while (reservedTo < to)
        {
            if (posix.fallocate(fd, FALLOC_FL_KEEP_SIZE, reservedTo, STEP_BYTES) != 0)
            {
                return failed("fallocate: " + posix.lastErrorStr());
            }
            reservedTo += STEP_BYTES;
        }
        return true;
    }

    /**
     * For a writer at {@code writePosition}: starts the writeback of the whole steps more than the kept bytes behind
     * it (a first {@code DONTNEED} starts it, and drops what is clean already), and once the writeback the call before
     * started is done, drops every page from the end of the first chunk to there (only clean pages can be dropped;
     * the wait is short: the call before was {@link Journal#PRETOUCH_PERIOD_MS} earlier, and a step is 4 MiB).
     * <p>
     * Why from the first chunk every time, not from where the last drop ended: the kernel keeps a page some mapping
     * still maps, and Chronicle keeps a chunk mapped while its index array there fills, seconds after the writer left
     * it. Dropped once, its pages stayed cached for good (80 MiB a chunk, found with {@code mincore}); swept again,
     * they go when Chronicle unmaps the chunk. The sweep visits only the cached pages of that range: those few.
     * False when the kernel refuses.
     */
    boolean dropBehind(final long writePosition)
    {
        if (writebackTo > droppedTo)
        {
            final long length = writebackTo - sweepFrom;
            if (libc.sync_file_range(fd, sweepFrom, length,
                SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER) != 0)
            {
                return failed("sync_file_range: " + posix.lastErrorStr());
            }
            if (!dontNeed(sweepFrom, length))
            {
                return false;
            }
            droppedTo = writebackTo;
        }
        final long behind = (writePosition - keepBehindBytes) & -STEP_BYTES;
        if (behind > writebackTo)
        {
            if (!dontNeed(writebackTo, behind - writebackTo))
            {
                return false;
            }
            writebackTo = behind;
        }
        return true;
    }

    private boolean dontNeed(final long offset, final long length)
    {
        final int error = libc.posix_fadvise(fd, offset, length, POSIX_FADV_DONTNEED); // the error, not -1 and errno
        return error == 0 || failed("posix_fadvise: " + posix.strerror(error));
    }

    private boolean failed(final String why)
    {
        failure = why;
        return false;
    }

    /** The end of the last step reserved, -1 before any. */
    long reservedTo()
    {
        return reservedTo;
    }

    /** Up to where pages were dropped. */
    long droppedTo()
    {
        return droppedTo;
    }

    /** How much stays cached behind the write position. */
    long keepBehindBytes()
    {
        return keepBehindBytes;
    }

    /** Why the last call that returned false failed. */
    String failure()
    {
        return failure;
    }

    @Override
    public void close()
    {
        posix.close(fd);
    }
}
