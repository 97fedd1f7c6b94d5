package dev.referee.journal;

import net.openhft.chronicle.bytes.MappedBytes;
import net.openhft.chronicle.bytes.MappedFile;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.StoreFileListener;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;
import net.openhft.chronicle.queue.rollcycles.LegacyRollCycles;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The journal: a Chronicle Queue directory. Open it for writing (the node) or read-only (the tools, on a copy or
 * on a journal being written). Each writer thread takes its own {@link #newSink()}; readers take
 * {@link #newReader()}. Old roll cycles beyond {@code retain} are deleted on a housekeeping thread when a new
 * cycle file is acquired, never on the writer threads, and never those a restart needs ({@link #housekeep()}). The
 * same thread pre-touches the pages the writers are about to fill (see {@link #pretouch()}).
 */
public final class Journal implements AutoCloseable
{
    static
    {
        // Before the first Chronicle class initialises: no usage ping over the network, no banner.
        System.setProperty("chronicle.analytics.disable", System.getProperty("chronicle.analytics.disable", "true"));
        System.setProperty("chronicle.announcer.disable", System.getProperty("chronicle.announcer.disable", "true"));
        // Chronicle logs through slf4j-api; with no provider bound, slf4j would print a three-line warning on
        // every tool run.
        System.setProperty("slf4j.internal.verbosity", System.getProperty("slf4j.internal.verbosity", "ERROR"));
    }

    /** Chronicle's data files end with this. */
    public static final String CYCLE_FILE_SUFFIX = ".cq4";
    /** How far past the write position {@link #pretouch()} keeps the file's pages touched, to begin with. */
    static final long PRETOUCH_AHEAD_BYTES = 8L << 20;
    /**
     * The most it touches ahead when the writers outrun it: the range ahead doubles each time they are found past
     * it, so that writers faster than the period planned for (the engine alone under JMH writes about 270 MB/s)
     * still find their pages touched.
     */
    static final long PRETOUCH_AHEAD_MAX_BYTES = 64L << 20;
    /**
     * How often it looks: 8 MiB ahead every 25 ms stays ahead of up to 320 MB/s of records (a node writes about 18
     * MB/s at 3,000 calls/s). Not more often: every wake-up of the thread costs 50-80 us of CPU on this kind of VM,
     * idle or not (docs/benchmarks.md, "Fewer wake-ups").
     */
    static final long PRETOUCH_PERIOD_MS = 25;
    private static final long PAGE_BYTES = 4096;

    private final Path dir;
    private final SingleChronicleQueue queue;
    private final int retainCycles;
    private final ScheduledExecutorService housekeeper;
    private volatile boolean closed;
    private final AtomicInteger newestCycleAcquired = new AtomicInteger(Integer.MIN_VALUE);
    /** Times housekeeping ran (under this object's lock): for tests. */
    private long housekeepings;
    // Pre-touching state: housekeeping thread only, under this object's lock.
    private SingleChronicleQueueStore touchStore;
    private MappedBytes touchBytes;
    private long touchedToPosition;
    /** How far ahead it touches: doubled each time the writers are found past the touched pages. */
    private long aheadBytes = PRETOUCH_AHEAD_BYTES;
    private boolean pretouchFailed;
    private CycleFilePages touchPages;
    private boolean adviceFailed;
    /** Null once the kernel refused to populate a range: pages are then touched one by one. */
    private WritablePages populating = WritablePages.open();

    private Journal(final Path dir, final SingleChronicleQueue queue, final int retainCycles,
        final ScheduledExecutorService housekeeper)
    {
        this.dir = dir;
        this.queue = queue;
        this.retainCycles = retainCycles;
        this.housekeeper = housekeeper;
    }

    /**
     * The mapping chunk of a node's journal: 16 MiB, not Chronicle's 64. The pages dropped behind the writers
     * ({@link CycleFilePages}) can only be those no mapping holds, and Chronicle keeps a chunk (with its overlap)
     * mapped behind the write position: with 64 MiB chunks about 88 MiB stay cached behind it, and the pages dropped
     * there go back to the host (free page reporting) before the journal wants fresh ones, which then cost their
     * first touch in full. With 16 MiB chunks about 24 MiB stay behind, the dropped pages come back while still
     * warm: after the first minute at 3,000 calls/s the housekeeping thread spent 19 ms of CPU a second against
     * 41-43 (docs/benchmarks.md, "Fewer wake-ups"). In a node's first minute the same fresh memory is paid by
     * whoever takes it first (the snapshot's buffers growing on the engine thread), so only a longer run shows it.
     * Snapshot parts (1 MiB) and SIP messages stay far below the quarter of a chunk Chronicle allows a document.
     */
    static final long NODE_BLOCK_BYTES = 16L << 20;

    /** Opens (creating when missing) the journal a node writes, in {@link #NODE_BLOCK_BYTES} chunks. */
    public static Journal openForWriting(final Path dir, final JournalConfig config) throws IOException
    {
        return openForWriting(dir, config, NODE_BLOCK_BYTES);
    }

    /** As {@link #openForWriting(Path, JournalConfig)} with Chronicle's block size (0: default); small for fixtures. */
    static Journal openForWriting(final Path dir, final JournalConfig config, final long blockSize) throws IOException
    {
        return openForWriting(dir, config, blockSize, null);
    }

    /**
     * As {@link #openForWriting(Path, JournalConfig, long)}, with the clock Chronicle names and rolls cycle files by
     * (null: the system's): tests roll cycles without waiting for them.
     */
    static Journal openForWriting(final Path dir, final JournalConfig config, final long blockSize,
        final TimeProvider cycleClock) throws IOException
    {
        Files.createDirectories(dir);
        final ScheduledExecutorService housekeeper = Executors.newSingleThreadScheduledExecutor(runnable ->
        {
            final Thread thread = new Thread(runnable, "referee-journal-housekeeping");
            thread.setDaemon(true);
            return thread;
        });
        final Journal[] self = new Journal[1];
        final StoreFileListener retention = new StoreFileListener()
        {
            @Override
            public void onAcquired(final int cycle, final File file)
            {
                final Journal journal = self[0];
                if (journal != null && journal.isNewCycle(cycle) && !housekeeper.isShutdown())
                {
                    housekeeper.execute(journal::housekeep);
                }
            }

            @Override
            public void onReleased(final int cycle, final File file)
            {
            }
        };
        final var builder = ChronicleQueue.singleBuilder(dir)
            .rollCycle(rollCycle(config.roll()))
            .storeFileListener(retention);
        if (blockSize > 0)
        {
            builder.blockSize(blockSize);
        }
        if (cycleClock != null)
        {
            builder.timeProvider(cycleClock);
        }
        final SingleChronicleQueue queue = builder.build();
        self[0] = new Journal(dir, queue, config.retainCycles(), housekeeper);
        self[0].housekeep();
        housekeeper.scheduleWithFixedDelay(self[0]::pretouch, 0, PRETOUCH_PERIOD_MS, TimeUnit.MILLISECONDS);
        return self[0];
    }

    /**
     * True the first time a cycle newer than any before is acquired: a roll, when housekeeping has work. Chronicle
     * tells of every acquisition, also of old cycles (readers, pre-touching, housekeeping's own look at the cycle of
     * the latest snapshot, which would otherwise schedule housekeeping again without end). Any thread.
     */
    boolean isNewCycle(final int cycle)
    {
        while (true)
        {
            final int newest = newestCycleAcquired.get();
            if (cycle <= newest)
            {
                return false;
            }
            if (newestCycleAcquired.compareAndSet(newest, cycle))
            {
                return true;
            }
        }
    }

    /** True when {@code dir} holds a journal: a directory with at least one cycle file. */
    public static boolean exists(final Path dir) throws IOException
    {
        return Files.isDirectory(dir) && !cycleFiles(dir).isEmpty();
    }

    /** Opens an existing journal for reading only: a copy from another machine, or one a node is writing. */
    public static Journal openReadOnly(final Path dir) throws IOException
    {
        if (!exists(dir))
        {
            throw new IOException("no journal in " + dir);
        }
        final SingleChronicleQueue queue = ChronicleQueue.singleBuilder(dir).readOnly(true).build();
        return new Journal(dir, queue, Integer.MAX_VALUE, null);
    }

    public static RollCycle rollCycle(final JournalRoll roll)
    {
        return switch (roll)
        {
            case MINUTELY -> LegacyRollCycles.MINUTELY;
            case HOURLY -> RollCycles.FAST_HOURLY;
            case DAILY -> RollCycles.FAST_DAILY;
        };
    }

    /** A sink for one writer thread; closed with the journal. */
    public synchronized ChronicleSink newSink()
    {
        return new ChronicleSink(queue);
    }

    /** A reader from the first retained record. */
    public JournalReader newReader()
    {
        return new JournalReader(queue.createTailer().toStart());
    }

    /** A reader whose first record is the one at {@code index}. */
    public JournalReader newReaderAt(final long index)
    {
        final ExcerptTailer tailer = queue.createTailer();
        if (!tailer.moveToIndex(index))
        {
            tailer.close();
            throw new IllegalStateException("no record at index " + Long.toHexString(index));
        }
        return new JournalReader(tailer);
    }

    /** A reader that starts just after the record at {@code index} (a snapshot's last part). */
    public JournalReader newReaderAfter(final long index)
    {
        final ExcerptTailer tailer = queue.createTailer();
        if (!tailer.moveToIndex(index))
        {
            tailer.close();
            throw new IllegalStateException("no record at index " + Long.toHexString(index));
        }
        final JournalReader reader = new JournalReader(tailer);
        reader.next();
        return reader;
    }

    /**
     * The key, in the queue's table store (its metadata file, beside the cycle files), under which the node notes the
     * index of the latest complete snapshot's last part.
     */
    static final String LATEST_SNAPSHOT_KEY = "referee.latest-snapshot";

    /**
     * The key under which the node notes the index of the latest complete snapshot's first record (the configuration
     * in force written before its parts): retention keeps its cycle and those after it.
     */
    static final String LATEST_SNAPSHOT_START_KEY = "referee.latest-snapshot-start";

    /**
     * Notes {@code lastPartIndex}. Chronicle's table store keeps the highest value put (as for a named tailer's
     * index), which is the latest snapshot's: indexes only grow.
     */
    static void markLatestSnapshot(final SingleChronicleQueue queue, final long lastPartIndex)
    {
        queue.tableStorePut(LATEST_SNAPSHOT_KEY, lastPartIndex);
    }

    /**
     * Notes a complete snapshot: where it starts, then where its last part is (the start first: housekeeping that
     * reads the start meanwhile finds a snapshot already complete).
     */
    static void markLatestSnapshot(final SingleChronicleQueue queue, final long startIndex, final long lastPartIndex)
    {
        queue.tableStorePut(LATEST_SNAPSHOT_START_KEY, startIndex);
        markLatestSnapshot(queue, lastPartIndex);
    }

    /** {@link #markLatestSnapshot(SingleChronicleQueue, long)} on this journal. */
    void markLatestSnapshot(final long lastPartIndex)
    {
        markLatestSnapshot(queue, lastPartIndex);
    }

    /** Drops the note, as if no snapshot had been noted (Long.MIN_VALUE is the one value the store sets as given). */
    void forgetLatestSnapshot()
    {
        queue.tableStorePut(LATEST_SNAPSHOT_KEY, Long.MIN_VALUE);
    }

    /**
     * Where the node noted the latest complete snapshot's last part; -1 when it noted none. A hint, to be checked:
     * the record there may be gone (retention) or, in a journal put together by hand, be something else.
     */
    long latestSnapshotMark()
    {
        return mark(LATEST_SNAPSHOT_KEY);
    }

    /** Where the node noted the latest complete snapshot's first record; -1 when it noted none. */
    long latestSnapshotStartMark()
    {
        return mark(LATEST_SNAPSHOT_START_KEY);
    }

    private long mark(final String key)
    {
        try
        {
            final long index = queue.tableStoreGet(key);
            return index < 0 ? -1 : index;
        }
        catch (final IllegalStateException ex)
        {
            // A read-only journal (the tools' copy) whose table store never got the key: none noted.
            return -1;
        }
    }

    /** The index of the last record, -1 when there is none. */
    long lastIndex()
    {
        return queue.lastIndex();
    }

    /** The cycles the journal's files hold, newest first (none when it has no file). */
    int[] cyclesNewestFirst()
    {
        final int first = queue.firstCycle();
        final int last = queue.lastCycle();
        if (first == Integer.MAX_VALUE || last == Integer.MIN_VALUE || first > last)
        {
            return new int[0];
        }
        return queue.listCyclesBetween(first, last).descendingSet().stream().mapToInt(Long::intValue).toArray();
    }

    RollCycle rollCycle()
    {
        return queue.rollCycle();
    }

    /** A raw tailer over the queue (to scan it backwards); the caller closes it. */
    ExcerptTailer newTailer()
    {
        return queue.createTailer();
    }

    /** A reader that starts after the last record present now (follows what is appended next). */
    public JournalReader newReaderAtEnd()
    {
        return new JournalReader(queue.createTailer().toEnd());
    }

    /** True when the journal holds no record. */
    public boolean isEmpty()
    {
        return queue.firstIndex() == Long.MAX_VALUE || queue.lastIndex() < 0;
    }

    public Path dir()
    {
        return dir;
    }

    /**
     * Deletes the oldest cycle files so that at most {@code retain} remain, but never one that a restart needs: the
     * cycle where the latest complete snapshot starts and those after it stay, whatever {@code retain} says, and
     * while no snapshot has been noted nothing is deleted (recovery would need node-start, in the first file). A
     * journal whose node-start is gone recovers from that snapshot, which carries the configuration and the
     * identifier key ({@link JournalRecovery}). Names of one roll cycle sort in time order. The newest file is never
     * deleted (it is being written).
     */
    public synchronized void housekeep()
    {
        if (closed)
        {
            return;
        }
        housekeepings++;
        try
        {
            final String keepFrom = fileNameOfCycle(latestSnapshotStartMark());
            if (keepFrom == null)
            {
                return;
            }
            final List<Path> files = cycleFiles(dir);
            for (int i = 0; i < files.size() - Math.max(1, retainCycles); i++)
            {
                if (files.get(i).getFileName().toString().compareTo(keepFrom) >= 0)
                {
                    break;
                }
                Files.deleteIfExists(files.get(i));
            }
            queue.refreshDirectoryListing();
        }
        catch (final IOException | RuntimeException ex)
        {
            System.getLogger(Journal.class.getName()).log(System.Logger.Level.WARNING, "journal housekeeping", ex);
        }
    }

    /** The file name of the cycle holding the record at {@code index}; null when there is none (or index is -1). */
    private String fileNameOfCycle(final long index)
    {
        if (index < 0)
        {
            return null;
        }
        final SingleChronicleQueueStore store =
            queue.storeForCycle(queue.rollCycle().toCycle(index), queue.epoch(), false, null);
        if (store == null)
        {
            return null;
        }
        try
        {
            return store.file().getName();
        }
        finally
        {
            queue.closeStore(store);
        }
    }

    /**
     * Makes every page from the current write position to {@link #PRETOUCH_AHEAD_BYTES} past it present and writable
     * ({@link #touch}: one system call per chunk where the kernel can, else a compare-and-swap of 0 with 0 in each
     * page; neither changes a byte), in the queue's own mapping of the cycle file, so that the page
     * faults of fresh pages (allocate, zero-fill, reserve disk blocks: 5 % of Referee's CPU under SIPp load, nearly all
     * of it on the writer threads) are taken here and appends find their pages mapped and writable; the disk blocks
     * under those pages are reserved first, and the pages far behind it dropped from the page cache
     * ({@link CycleFilePages}).
     * Chronicle Queue's own pretoucher ({@code ExcerptAppender.pretouch()}) is an Enterprise feature: in the
     * open-source 2026.4 it recurses until the stack overflows.
     * <p>
     * The range starts at the page after the write position's; neither way of touching can lose a writer's byte
     * anyway. Runs every {@link #PRETOUCH_PERIOD_MS} ms on the housekeeping thread; a failure is
     * logged once and pre-touching stops (appends then fault as they would without it).
     */
    synchronized void pretouch()
    {
        if (closed || pretouchFailed)
        {
            return;
        }
        try
        {
            final int cycle = queue.cycle();
            if (touchStore == null || touchStore.cycle() != cycle)
            {
                // null until a writer has created this cycle's file.
                final SingleChronicleQueueStore store = queue.storeForCycle(cycle, queue.epoch(), false, null);
                if (store == null)
                {
                    return;
                }
                releasePretouch();
                touchStore = store;
                touchBytes = store.bytes();
                touchedToPosition = 0;
                final MappedFile mapped = touchBytes.mappedFile();
                touchPages = adviceFailed ? null
                    : CycleFilePages.open(store.file(), mapped.chunkSize() + mapped.overlapSize());
            }
            final long writePosition = touchStore.writePosition();
            if (touchedToPosition > 0 && writePosition >= touchedToPosition)
            {
                // The writers went past every touched page since the last look: they took the faults themselves.
                aheadBytes = Math.min(PRETOUCH_AHEAD_MAX_BYTES, 2 * aheadBytes);
            }
            final long end = writePosition + aheadBytes;
            long page = Math.max(touchedToPosition, (writePosition + PAGE_BYTES) & -PAGE_BYTES);
            adviseKernel(writePosition, page, end);
            touchedToPosition = Math.max(touchedToPosition, touch(page, end));
        }
        catch (final RuntimeException ex)
        {
            pretouchFailed = true;
            releasePretouch();
            System.getLogger(Journal.class.getName()).log(System.Logger.Level.WARNING,
                "journal pre-touching failed and is off (appends still work)", ex);
        }
    }

    /**
     * Makes the pages from {@code from} to {@code end} present and writable in the queue's mapping: a chunk's part at
     * a time in one call where the kernel can ({@link WritablePages}), else a compare-and-swap of 0 with 0 in each
     * page. Returns where it stopped.
     */
    private long touch(final long from, final long end)
    {
        long page = from;
        while (populating != null && page < end)
        {
            final long address = touchBytes.addressForWrite(page); // maps the chunk holding the page
            final long to = Math.min(end, touchBytes.bytesStore().safeLimit() & -PAGE_BYTES);
            if (to <= page)
            {
                break;
            }
            if (!populating.populate(address, to - page))
            {
                System.getLogger(Journal.class.getName()).log(System.Logger.Level.WARNING,
                    "journal: pre-touching in one call is off, page by page instead: " + populating.failure());
                populating = null;
                break;
            }
            page = to;
        }
        for (; page < end; page += PAGE_BYTES)
        {
            touchBytes.compareAndSwapInt(page, 0, 0);
        }
        return page;
    }

    /** Before touching: the blocks under the pages about to be touched, and the pages far behind (CycleFilePages). */
    private void adviseKernel(final long writePosition, final long touchFrom, final long touchTo)
    {
        if (touchPages != null && !(touchPages.reserveTo(touchFrom, touchTo) && touchPages.dropBehind(writePosition)))
        {
            adviceFailed = true;
            System.getLogger(Journal.class.getName()).log(System.Logger.Level.WARNING,
                "journal: reserving the cycle file's blocks ahead or dropping its pages behind failed and is off"
                    + " (pre-touching goes on): " + touchPages.failure());
            touchPages.close();
            touchPages = null;
        }
    }

    /** True while pre-touching populates a range in one call (the kernel has not refused): for tests. */
    synchronized boolean populatesInOneCall()
    {
        return populating != null;
    }

    /** Times housekeeping ran so far: for tests. */
    synchronized long housekeepings()
    {
        return housekeepings;
    }

    /** Waits until the housekeeping thread has run what was handed to it before this call: for tests. */
    void awaitHousekeeper() throws Exception
    {
        housekeeper.submit(() ->
        {
        }).get();
    }

    /** How far past the write position pre-touching reaches now: for tests. */
    synchronized long aheadBytes()
    {
        return aheadBytes;
    }

    /** How far the current cycle file's blocks are reserved (-1 when none are): for tests. */
    synchronized long reservedToPosition()
    {
        return touchPages == null ? -1 : touchPages.reservedTo();
    }

    /** Up to where the current cycle file's pages were dropped from the page cache: for tests. */
    synchronized long droppedToPosition()
    {
        return touchPages == null ? -1 : touchPages.droppedTo();
    }

    /** How much of the current cycle file stays cached behind the writer (-1 when nothing is dropped): for tests. */
    synchronized long keepBehindBytes()
    {
        return touchPages == null ? -1 : touchPages.keepBehindBytes();
    }

    private void releasePretouch()
    {
        if (touchPages != null)
        {
            touchPages.close();
            touchPages = null;
        }
        if (touchBytes != null)
        {
            touchBytes.releaseLast();
            touchBytes = null;
        }
        if (touchStore != null)
        {
            queue.closeStore(touchStore);
            touchStore = null;
        }
    }

    /** Cycle files, oldest first. */
    public static List<Path> cycleFiles(final Path dir) throws IOException
    {
        try (Stream<Path> list = Files.list(dir))
        {
            return list.filter(p -> p.getFileName().toString().endsWith(CYCLE_FILE_SUFFIX)).sorted().toList();
        }
    }

    @Override
    public void close()
    {
        synchronized (this)
        {
            // Housekeeping and pre-touching hold the lock while they work: once closed is set, none runs or will run.
            closed = true;
            releasePretouch();
        }
        if (housekeeper != null)
        {
            housekeeper.shutdownNow();
        }
        queue.close();
    }
}
