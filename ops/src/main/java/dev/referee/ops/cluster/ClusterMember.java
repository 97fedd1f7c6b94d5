package dev.referee.ops.cluster;

import io.aeron.Aeron;
import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.client.AeronArchive;
import io.aeron.cluster.ClusterControl;
import io.aeron.cluster.ClusteredMediaDriver;
import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.NanosecondClusterClock;
import io.aeron.cluster.service.ClusteredService;
import io.aeron.cluster.service.ClusteredServiceContainer;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.NoOpLock;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.File;
import java.util.concurrent.TimeUnit;

/**
 * This node's member of the Aeron Cluster (docs/failover.md): its media driver, archive and consensus module
 * ({@link ClusteredMediaDriver}) and the container running the {@link ReplicatedEngine}. Sized so that three members
 * fit on one 2-core machine: one shared-mode thread per driver and archive, 64 KiB terms for consensus, ingress and
 * archive control, 1 MiB for the log; the cluster clock counts nanoseconds (the engine's unit).
 */
public final class ClusterMember implements AutoCloseable
{
    /** The log's term: 8 MiB of log (its 3 terms, kept as sparse files) is far more than a second of peak inputs. */
    static final String LOG_TERM_LENGTH = "1m";
    private static final String SMALL_TERM = "64k";

    private final ClusteredMediaDriver driver;
    private final ClusteredServiceContainer container;
    private final String aeronDirectory;
    private Aeron client; // made on first use

    /** How long a start waits for the mark files of a member killed moments ago to time out (Aeron's is 10 s). */
    private static final long MARK_FILE_WAIT_NS = TimeUnit.SECONDS.toNanos(30);
    private static final long MARK_FILE_RETRY_MS = 500;

    private ClusterMember(final ClusteredMediaDriver driver, final ClusteredServiceContainer container,
        final String aeronDirectory)
    {
        this.driver = driver;
        this.container = container;
        this.aeronDirectory = aeronDirectory;
    }

    /**
     * Starts this member: it joins the others (or waits for enough of them to elect a leader) and replays its log into
     * {@code service} from its last snapshot. Returns once started, not once a leader is elected.
     *
     * @param ended told, on the thread of the part that ended, when the consensus module or the service container
     *              terminates by itself (a cluster shutdown or abort, a fault it cannot go on from): the member is
     *              then gone while the process runs on, and a node should exit so that its supervisor restarts it.
     *              Not told when {@link #close()} stops them.
     */
    public static ClusterMember start(final ClusterConfig config, final ClusteredService service,
        final ErrorHandler errors, final Runnable ended)
    {
        final long deadline = System.nanoTime() + MARK_FILE_WAIT_NS;
        while (true)
        {
            try
            {
                return launch(config, service, errors, ended);
            }
            catch (final IllegalStateException ex)
            {
                // A member killed moments ago (kill -9, a crash) leaves its archive's and consensus module's mark
                // files looking alive until their timeout: a supervisor's quick restart waits them out here rather
                // than failing to start.
                if (ex.getMessage() == null || !ex.getMessage().startsWith("active mark file detected") ||
                    System.nanoTime() - deadline > 0)
                {
                    throw ex;
                }
                System.getLogger(ClusterMember.class.getName()).log(System.Logger.Level.INFO,
                    "member " + config.member() + ": " + ex.getMessage() + " (the last run's, stopped moments ago: " +
                    "retried until it times out)");
                sleepQuietly(MARK_FILE_RETRY_MS);
            }
        }
    }

    private static void sleepQuietly(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a mark file to time out", ex);
        }
    }

    private static ClusterMember launch(final ClusterConfig config, final ClusteredService service,
        final ErrorHandler errors, final Runnable ended)
    {
        final ClusterConfig.Member self = config.self();
        final File base = config.dir().toAbsolutePath().toFile();
        final String aeronDirectory = new File(base, "aeron").getPath();
        final String host = self.host();

        final MediaDriver.Context driver = new MediaDriver.Context()
            .aeronDirectoryName(aeronDirectory)
            .threadingMode(ThreadingMode.SHARED)
            .termBufferSparseFile(true)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .errorHandler(errors);
        final Archive.Context archive = new Archive.Context()
            .aeronDirectoryName(aeronDirectory)
            .archiveDir(new File(base, "archive"))
            .controlChannel("aeron:udp?endpoint=" + self.endpoint(ClusterConfig.Member.ARCHIVE_CONTROL) +
                "|term-length=" + SMALL_TERM)
            .archiveClientContext(new AeronArchive.Context().controlResponseChannel("aeron:udp?endpoint=" + host + ":0"))
            .localControlChannel("aeron:ipc?term-length=" + SMALL_TERM)
            .replicationChannel("aeron:udp?endpoint=" + host + ":0")
            .recordingEventsEnabled(false)
            .threadingMode(ArchiveThreadingMode.SHARED)
            .errorHandler(errors);
        final AeronArchive.Context archiveClient = new AeronArchive.Context()
            .lock(NoOpLock.INSTANCE)
            .controlRequestChannel(archive.localControlChannel())
            .controlRequestStreamId(archive.localControlStreamId())
            .controlResponseChannel(archive.localControlChannel())
            .aeronDirectoryName(aeronDirectory);
        final ConsensusModule.Context consensus = new ConsensusModule.Context()
            .clusterMemberId(self.id())
            .clusterMembers(config.aeronClusterMembers())
            .clusterDir(new File(base, "cluster"))
            .archiveContext(archiveClient.clone())
            .replicationChannel("aeron:udp?endpoint=" + host + ":0")
            .ingressChannel("aeron:udp?term-length=" + LOG_TERM_LENGTH)
            .consensusChannel("aeron:udp?term-length=" + SMALL_TERM)
            .logChannel("aeron:udp?term-length=" + LOG_TERM_LENGTH)
            .clusterClock(new NanosecondClusterClock())
            // The leader's own node offers its inputs over IPC (ClusterIngress.connectToOwnLeader): no UDP hop, and a
            // new leader connects in the time of a local handshake.
            .isIpcIngressAllowed(true)
            .leaderHeartbeatTimeoutNs(TimeUnit.MILLISECONDS.toNanos(config.heartbeatTimeoutMs()))
            .leaderHeartbeatIntervalNs(TimeUnit.MILLISECONDS.toNanos(Math.max(10, config.heartbeatTimeoutMs() / 10)))
            // An election's rounds wait this long each (the nomination delay is random up to half of it, a ballot
            // or a new leader's wait for its followers up to all of it): a fifth of the heartbeat timeout, where
            // Aeron's defaults (1 s, 10 s) take a tenth.
            .electionTimeoutNs(TimeUnit.MILLISECONDS.toNanos(Math.max(20, config.heartbeatTimeoutMs() / 5)))
            .terminationHook(ended)
            .errorHandler(errors);
        final ClusteredServiceContainer.Context container = new ClusteredServiceContainer.Context()
            .aeronDirectoryName(aeronDirectory)
            .archiveContext(archiveClient.clone())
            .clusterDir(new File(base, "cluster"))
            .clusteredService(service)
            .terminationHook(ended)
            .errorHandler(errors);

        ClusteredMediaDriver launched = null;
        try
        {
            launched = ClusteredMediaDriver.launch(driver, archive, consensus);
            return new ClusterMember(launched, ClusteredServiceContainer.launch(container), aeronDirectory);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(launched);
            throw ex;
        }
    }

    /**
     * Asks the cluster for a snapshot (Aeron's SNAPSHOT control toggle; open-source Aeron Cluster takes none by
     * itself): every member's service writes its state at the same log position, and a restart replays only the log
     * after it. False when another control action is still under way.
     */
    public boolean requestSnapshot()
    {
        final ConsensusModule.Context consensus = driver.consensusModule().context();
        final AtomicCounter toggle = ClusterControl.findControlToggle(consensus.aeron().countersReader(),
            consensus.clusterId());
        return toggle != null && ClusterControl.ToggleState.SNAPSHOT.toggle(toggle);
    }

    /**
     * Snapshots this member's consensus module has recorded (Aeron's snapshot counter): a snapshot counts once the
     * member can restart from it, which is after its service wrote it.
     */
    public long snapshotsRecorded()
    {
        return driver.consensusModule().context().snapshotCounter().get();
    }

    /**
     * A client of this member's media driver, made once, for the node's cluster clients (the leader's ingress):
     * closed with the member.
     */
    public synchronized Aeron aeronClient()
    {
        if (client == null)
        {
            client = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDirectory));
        }
        return client;
    }

    /** The media driver's directory: a cluster client in this process (the leader's ingress) connects through it. */
    public String aeronDirectory()
    {
        return aeronDirectory;
    }

    @Override
    public void close()
    {
        final Aeron aeron;
        synchronized (this)
        {
            aeron = client;
            client = null;
        }
        CloseHelper.closeAll(aeron, container, driver);
    }
}
