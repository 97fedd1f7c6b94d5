package dev.referee.journal;

import net.openhft.posix.MAdviseFlag;
import net.openhft.posix.PosixAPI;
import org.agrona.UnsafeApi;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.util.function.IntFunction;

/**
 * The snapshot writer's chunks, outside the heap and in 2 MiB pages where the kernel grants them: anonymous mappings
 * of {@link #SLAB_BYTES} aligned to 2 MiB, advised {@code MADV_HUGEPAGE}, cut into chunks, each touched once per page
 * when handed out so that the snapshot itself takes no page fault. A node under load grows its writer toward the
 * state's size (130 MB at 3,000 calls/s) in its first minute, on the engine thread: in 4 KiB pages that was 1,300
 * page faults a second, 7-8 % of the engine thread (a fresh page costs about 11 us to fault in on a VM of this kind;
 * 64 MB touched in 181-188 ms in 4 KiB pages, 19 ms in 2 MiB pages). Direct buffers, as before, when a mapping fails
 * (no native access, not Linux). The mappings are released when this object is no longer reachable (a node keeps its
 * snapshotter, and so this, as long as it runs; tests make many). Engine thread only, as the writer.
 */
final class HugePageChunks implements IntFunction<UnsafeBuffer>
{
    /** What one mapping holds: 8 huge pages. */
    static final long SLAB_BYTES = 16L << 20;
    private static final long HUGE_PAGE = 2L << 20;
    private static final int SMALL_PAGE = 4096;
    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;
    private static final Cleaner CLEANER = Cleaner.create();

    private final Mappings mappings = new Mappings();
    private long next;
    private long end;
    private boolean mappingFailed;

    HugePageChunks()
    {
        CLEANER.register(this, mappings);
    }

    /** A chunk of {@code bytes}, its pages faulted in. */
    @Override
    public UnsafeBuffer apply(final int bytes)
    {
        if (!mappingFailed && bytes <= SLAB_BYTES && (end - next >= bytes || map()))
        {
            final long address = next;
            next += bytes;
            for (long page = 0; page < bytes; page += SMALL_PAGE)
            {
                UnsafeApi.putByte(address + page, (byte)0);
            }
            return new UnsafeBuffer(address, bytes);
        }
        return new UnsafeBuffer(ByteBuffer.allocateDirect(bytes));
    }

    /** True while chunks come from huge-page mappings (false once a mapping failed). */
    boolean mapping()
    {
        return !mappingFailed;
    }

    private boolean map()
    {
        final long length = SLAB_BYTES + HUGE_PAGE;
        long address;
        try
        {
            final PosixAPI posix = PosixAPI.posix();
            address = posix.mmap(0, length, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0);
            if (address == -1 || address == 0)
            {
                mappingFailed = true;
                return false;
            }
            mappings.add(address, length);
            final long aligned = (address + HUGE_PAGE - 1) & -HUGE_PAGE;
            // Advice only: refused (THP never), the chunks are in small pages and still work.
            posix.madvise(aligned, SLAB_BYTES, MAdviseFlag.MADV_HUGEPAGE);
            next = aligned;
            end = aligned + SLAB_BYTES;
            return true;
        }
        catch (final Throwable ex)
        {
            // No native access (JNR missing or refused): direct buffers, as before.
            mappingFailed = true;
            return false;
        }
    }

    /** The mappings made, unmapped by the cleaner; holds no reference to the chunks' owner. */
    private static final class Mappings implements Runnable
    {
        private final LongArrayList addresses = new LongArrayList();
        private final LongArrayList lengths = new LongArrayList();

        void add(final long address, final long length)
        {
            addresses.addLong(address);
            lengths.addLong(length);
        }

        @Override
        public void run()
        {
            for (int i = 0; i < addresses.size(); i++)
            {
                PosixAPI.posix().munmap(addresses.getLong(i), lengths.getLong(i));
            }
        }
    }
}
