import jnr.ffi.LibraryLoader;

import java.io.File;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

/**
 * What a fresh page of a shared file mapping costs this thread's CPU, made writable two ways: a write in each page (a
 * page fault per page, as the journal's pre-touching did until 2026-12-07) and one {@code madvise(MADV_POPULATE_WRITE)}
 * over the whole range (Linux 5.14 on, what it does now). Alternates the two on a new sparse file each round.
 *
 *   java --add-exports=java.base/sun.nio.ch=ALL-UNNAMED -cp ops/target/referee.jar \
 *       benchmarks/scripts/PopulateVsTouch.java [DIR] [MIB] [ROUNDS]
 *
 * DIR (default /work, a disk like the journal's, not a tmpfs) gets one file at a time, removed after its round.
 */
public final class PopulateVsTouch
{
    private static final int MADV_POPULATE_WRITE = 23;
    private static final int PAGE = 4096;

    public interface LibC
    {
        int madvise(long address, long length, int advice);
    }

    public static void main(final String[] args) throws Exception
    {
        final String dir = args.length > 0 ? args[0] : "/work";
        final long bytes = (args.length > 1 ? Long.parseLong(args[1]) : 64) << 20;
        final int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        final LibC libc = LibraryLoader.create(LibC.class).load("c");
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int round = 1; round <= rounds; round++)
        {
            for (final boolean populate : new boolean[] { false, true })
            {
                final File file = new File(dir, "populate-vs-touch-" + ProcessHandle.current().pid() + ".dat");
                try (RandomAccessFile raf = new RandomAccessFile(file, "rw"); FileChannel channel = raf.getChannel())
                {
                    raf.setLength(bytes);
                    final MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, bytes);
                    final long address = ((sun.nio.ch.DirectBuffer)map).address();
                    final long cpu = threads.getCurrentThreadCpuTime();
                    if (populate)
                    {
                        if (libc.madvise(address, bytes, MADV_POPULATE_WRITE) != 0)
                        {
                            throw new IllegalStateException("madvise(MADV_POPULATE_WRITE) refused");
                        }
                    }
                    else
                    {
                        for (int page = 0; page < bytes; page += PAGE)
                        {
                            map.put(page, (byte)0);
                        }
                    }
                    final double usPerPage = (threads.getCurrentThreadCpuTime() - cpu) / 1000.0 / (bytes / PAGE);
                    System.out.printf("round %d, %-8s %.1f us of CPU a page%n", round,
                        populate ? "populate" : "touch", usPerPage);
                }
                finally
                {
                    file.delete();
                }
            }
        }
    }
}
