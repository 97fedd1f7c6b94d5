package dev.referee.journal;

/**
 * Makes a range of a shared file mapping present and writable in one system call ({@code madvise} with
 * {@code MADV_POPULATE_WRITE}, Linux 5.14 on), where touching it page by page takes one page fault per page. On this
 * kind of VM a page fault is an exception that leaves the guest's user mode and comes back, and it costs more than the
 * work the kernel does for the page: 7.2-7.9 us of CPU a fresh 4 KiB page of a file mapping when touched, 3.3 us when
 * populated (64 MiB, four rounds each, docs/benchmarks.md "Pre-touching in one call"). The pages' contents are not
 * changed: a writer may be writing in them.
 * <p>
 * A kernel without the advice (or no native access) refuses; the caller then touches page by page as before.
 */
final class WritablePages
{
    private static final int MADV_POPULATE_WRITE = 23;
    private static final long PAGE_BYTES = 4096;

    private final CycleFilePages.LibC libc;
    private String failure = "";

    private WritablePages(final CycleFilePages.LibC libc)
    {
        this.libc = libc;
    }

    /** Null when libc cannot be bound. */
    static WritablePages open()
    {
        try
        {
            return new WritablePages(CycleFilePages.libc());
        }
        catch (final Throwable ex)
        {
            return null;
        }
    }

    /**
     * Populates the pages holding the {@code length} bytes from {@code address} writable: from the page holding
     * {@code address}, which need not be at a page's start (the address Chronicle gives for a position a multiple of
     * 4,096 is not one: its positions are not the file's offsets). False when the kernel refuses
     * ({@link #failure()} says why).
     */
    boolean populate(final long address, final long length)
    {
        final long pageStart = address & -PAGE_BYTES;
        if (libc.madvise(pageStart, length + address - pageStart, MADV_POPULATE_WRITE) == 0)
        {
            return true;
        }
        failure = "madvise(MADV_POPULATE_WRITE) refused, errno " + jnr.ffi.Runtime.getSystemRuntime().getLastError() +
            " (22: a kernel before 5.14)";
        return false;
    }

    /** Why the last {@link #populate} that returned false failed. */
    String failure()
    {
        return failure;
    }
}
