package dev.referee.ops.node;

import dev.referee.cdr.CdrWriter;
import dev.referee.cdr.WallClockMapping;
import dev.referee.engine.Engine;
import dev.referee.engine.events.EngineEvents;
import dev.referee.engine.events.WebhookRequests;
import dev.referee.engine.config.EngineConfig;
import dev.referee.engine.counters.EngineCounters;
import dev.referee.engine.media.MediaControl;
import dev.referee.engine.media.RelayControl;
import dev.referee.journal.JournalEncoder;
import dev.referee.media.MediaRelay;
import dev.referee.journal.JournalInputStage;
import dev.referee.ops.cluster.ClusterIngress;
import dev.referee.ops.cluster.ClusterMember;
import dev.referee.ops.cluster.LeaderLease;
import dev.referee.ops.cluster.MemberJournal;
import dev.referee.ops.cluster.ReplicatedEngine;
import dev.referee.ops.admin.AdminServer;
import dev.referee.ops.admin.ReloadResult;
import dev.referee.ops.admin.StatusSnapshot;
import dev.referee.ops.config.RefereeConfig;
import dev.referee.ops.metrics.MetricsExposition;
import dev.referee.ops.metrics.RefereeCollector;
import dev.referee.ops.webhook.TransferWebhookClient;
import dev.referee.pipeline.SipPipeline;
import dev.referee.pipeline.SipSender;
import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusterCounters;
import net.openhft.chronicle.bytes.Bytes;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.status.CountersReader;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A node that is one member of the cluster (issue 9, docs/failover.md): its {@link ClusterMember} runs the
 * {@link ReplicatedEngine} on every member; only while it leads does it bind the SIP addresses ({@code listen}) and
 * run a pipeline whose inbound stage offers every input to the cluster's log ({@link ClusterIngress}) instead of
 * handing it to an engine, and whose send stage carries the engine's messages out. Leadership is taken up and given
 * up on a thread of its own, off the clustered-service thread that reports it.
 * <p>
 * Leader or follower, it keeps its own journal ({@link MemberJournal}) and call records of what its engine applied,
 * made and saw; the leader alone asks the transfer webhook; a reload on the leader goes to every member's engine
 * through the log ({@link MemberReload}). With {@code media.enabled} the leader alone runs the media relay: it opens
 * every endpoint its engine holds on the same ports when it takes the lead (media resumes where the lost leader
 * relayed it) and offers the relay's reports to the log like any input; a follower's engine commands no relay.
 * <p>
 * Every pipeline it builds is gated by the {@link LeaderLease}: its sockets stay silent unless the member leads and
 * the log is committing, so a leader frozen past the heartbeat timeout sends nothing once it wakes (docs/failover.md,
 * "At most one sender"). Should the member itself end (its consensus module or service), {@link #awaitEnd()} returns
 * and {@link #failure()} says why.
 */
public final class ClusterNode implements AutoCloseable
{
    /** How long a new leader tries to bind the SIP addresses a lost leader may still hold for a moment. */
    private static final long BIND_RETRY_NS = TimeUnit.SECONDS.toNanos(5);
    /** How soon a leader that could not take up its lead tries again. */
    private static final long RETAKE_LEAD_MS = 100;
    /** How often the leader's lease looks at the commit position (a move is dated to the look before). */
    private static final long LEASE_LOOK_MS = 5;

    /** As started, then as each reload left it: what the next pipeline is built from. */
    private volatile RefereeConfig config;
    private final EngineCounters counters = new EngineCounters();
    private final LeaderSender network = new LeaderSender();
    private final ScheduledExecutorService leadership = Executors.newSingleThreadScheduledExecutor(r ->
    {
        final Thread thread = new Thread(r, "cluster-leadership");
        thread.setDaemon(true);
        return thread;
    });
    private final ReplicatedEngine service;
    private final ClusterMember member;
    /** Keeps every pipeline of this member silent unless it holds the leader's lease (at most one sender). */
    private final LeaderLease lease;
    private final ScheduledExecutorService leaseLooks = Executors.newSingleThreadScheduledExecutor(r ->
    {
        final Thread thread = new Thread(r, "cluster-lease");
        thread.setDaemon(true);
        return thread;
    });
    private int commitCounterId = CountersReader.NULL_COUNTER_ID; // under the lease's lock
    private final MemberJournal journal; // null when journal.enabled is false
    private final CdrWriter callRecords;
    private final LeaderWebhooks webhooks = new LeaderWebhooks();
    private final MemberReload reload;
    private SipPipeline pipeline; // leadership thread only: the one serving while this member leads
    /**
     * The same: built but not bound, for the next lead. Building one allocates its rings (hundreds of MiB at the
     * default sizes), which took 1.5 s of a new leader's time on this machine.
     */
    private SipPipeline ready;
    private volatile SipPipeline statusPipeline; // the serving one, else the ready one: what /status reads
    private volatile SipPipeline serving; // the pipeline once it serves, while this member leads; else null
    private final AdminServer admin; // null when admin is off
    private volatile ClusterIngress ingress; // the same; read by the service thread to abandon it
    private MediaRelay media; // the same, when media.enabled: binds the engine's endpoints while this member leads
    private MediaReportReader mediaReports; // the same: the relay's reports, offered to the log as inputs
    private volatile boolean leading;
    private volatile boolean closing;
    /** Counted down when the node is closed or its member ended by itself ({@link #failure}). */
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile String failure;

    private ClusterNode(final RefereeConfig config) throws IOException
    {
        this.config = config;
        this.lease = new LeaderLease(this::commitPosition, System::nanoTime,
            TimeUnit.MILLISECONDS.toNanos(config.cluster().heartbeatTimeoutMs()) / 2);
        this.ready = newPipeline();
        this.statusPipeline = ready;
        this.journal = config.journal().enabled() ? MemberJournal.open(config.journalDir(), config.journal()) : null;
        // Engine time in a cluster is the log's: nanoseconds since the epoch.
        this.callRecords = new CdrWriter(config.cdr().dir(), WallClockMapping.of(0, 0)).start();
        this.service = new ReplicatedEngine(this::engine, network, journal, callRecords, webhooks,
            this::onRoleChange, () -> onMemberEnded("its clustered service"));
        this.reload = new MemberReload(config, () -> serving, () -> statusPipeline, service::engine, counters,
            this::adminAddress, next -> this.config = next);
        this.member = ClusterMember.start(config.cluster(), service, Throwable::printStackTrace,
            () -> onMemberEnded("its consensus module or service container"));
        member.aeronClient(); // made now: a new leader has it at hand
        leaseLooks.scheduleAtFixedRate(() -> lease.observe(System.nanoTime()), LEASE_LOOK_MS, LEASE_LOOK_MS,
            TimeUnit.MILLISECONDS);
        try
        {
            final NodeStatus status = new NodeStatus(() -> statusPipeline, this::clusterStatus, counters, null, null);
            // /metrics as a single node's, of the pipeline serving now (the leader's; the ready one while following),
            // the member's journal, and the cluster's own gauges.
            this.admin = config.admin() == null ? null : AdminServer.start(config.admin(), status,
                new MetricsExposition(new RefereeCollector(status, counters, () -> statusPipeline.counters(),
                    () -> statusPipeline.progress().lagNs(System.nanoTime()),
                    journal == null ? null : journal.appends())), reload);
            // Open-source Aeron Cluster takes no snapshot by itself: the leader asks for one on the journal's
            // interval, so that a member that restarts replays the log from the last one, not from the start.
            final long intervalMs = config.journal().snapshotIntervalMs();
            leadership.scheduleAtFixedRate(() ->
            {
                if (leading)
                {
                    member.requestSnapshot();
                }
            }, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
        }
        catch (final IOException | RuntimeException ex)
        {
            member.close();
            ready.close();
            CloseHelper.quietCloseAll(journal, callRecords);
            throw ex;
        }
    }

    /**
     * The member ended while this node runs (a cluster shutdown or abort, a fault that stopped its service): a
     * process that stayed up would hold no role and serve nothing, unseen by a supervisor that restarts processes
     * that exit. {@link #awaitEnd()} returns and {@link #failure()} says why; the command then exits non-zero.
     */
    private void onMemberEnded(final String part)
    {
        if (!closing && failure == null)
        {
            failure = "cluster member " + config.cluster().member() + ": " + part + " ended while the node ran";
            System.getLogger(ClusterNode.class.getName()).log(System.Logger.Level.ERROR, failure + "; stopping");
            onRoleChange(Cluster.Role.FOLLOWER); // sends nothing more and gives up the SIP addresses, if it led
            ended.countDown();
        }
    }

    /** Waits until this node is closed or its member ended by itself. */
    public void awaitEnd() throws InterruptedException
    {
        ended.await();
    }

    /** Why the member ended by itself; null while it runs or when the node was closed. */
    public String failure()
    {
        return failure;
    }

    /** A pipeline built from the configuration in force, gated by the leader's lease. */
    private SipPipeline newPipeline()
    {
        return NodeAssembly.pipeline(config).gate(lease);
    }

    /** The consensus module's commit position (Aeron's commit-pos counter); -1 before it exists. Lease's lock. */
    private long commitPosition()
    {
        if (member == null)
        {
            return -1; // still starting
        }
        final CountersReader counters = member.aeronClient().countersReader();
        if (commitCounterId == CountersReader.NULL_COUNTER_ID)
        {
            commitCounterId = ClusterCounters.find(counters, ConsensusModule.Configuration.COMMIT_POSITION_TYPE_ID, 0);
            if (commitCounterId == CountersReader.NULL_COUNTER_ID)
            {
                return -1;
            }
        }
        return counters.getCounterValue(commitCounterId);
    }

    private void prepare()
    {
        if (ready == null && pipeline == null)
        {
            ready = newPipeline();
            statusPipeline = ready;
        }
    }

    /** What {@code GET /status} says of the cluster: this member, its role, the leader, the term, the position. */
    private StatusSnapshot.Cluster clusterStatus()
    {
        return new StatusSnapshot.Cluster(config.cluster().member(),
            service.role().name().toLowerCase(Locale.ROOT), service.leaderMemberId(), service.leadershipTermId(),
            service.appliedPosition());
    }

    /** Where the admin HTTP server listens, port resolved; null when it is off. */
    public InetSocketAddress adminAddress()
    {
        return admin == null ? null : admin.address();
    }

    /**
     * Warms up (see {@link WarmUp}), then starts this member; it serves SIP once it is elected leader.
     * <p>
     * The warm-up comes first because a cold member's lag is worse than a cold single node's: the engine's time is
     * the log's timestamp, taken when an input is appended, while its messages leave when the input is committed and
     * applied. While that delay grows (a cold JVM falling behind its first calls), each input's timers run early by
     * the growth: a leader 1 s behind retransmitted its INVITEs at once, which a callee that had already answered
     * took for a new request (SIPp gave such calls up).
     */
    public static ClusterNode start(final RefereeConfig config) throws Exception
    {
        final WarmUp.Result warmUp = WarmUp.run(config);
        if (warmUp != null)
        {
            System.getLogger(ClusterNode.class.getName()).log(System.Logger.Level.INFO, warmUp.toString());
        }
        return new ClusterNode(config); // listen ports are given (ConfigLoader checks it for a member)
    }

    /** Reads the configuration file again and applies it, or says why not (SIGHUP; docs/failover.md). */
    public ReloadResult reload()
    {
        return reload.reload();
    }

    /** Whether this member leads now: it binds the SIP addresses and its engine's messages reach the network. */
    public boolean leading()
    {
        return leading;
    }

    /** The replicated engine's service (its engine, inputs applied, snapshots). */
    public ReplicatedEngine service()
    {
        return service;
    }

    public ClusterMember member()
    {
        return member;
    }

    private Engine engine(final EngineConfig engineConfig, final SipSender sender, final EngineEvents events,
        final WebhookRequests webhookRequests)
    {
        return new Engine(engineConfig, sender, counters, events, webhookRequests);
    }

    /** On the clustered-service thread: the work is handed to the leadership thread. */
    private void onRoleChange(final Cluster.Role role)
    {
        final boolean lead = role == Cluster.Role.LEADER;
        if (lead == leading)
        {
            return;
        }
        leading = lead;
        if (!lead)
        {
            lease.lead(false, System.nanoTime()); // nothing more leaves its sockets, at once
            network.to(null); // nor reaches its send stage
            final ClusterIngress offering = ingress;
            if (offering != null)
            {
                offering.abandon(); // the inbound stage stops waiting on a log that takes nothing more from it
            }
        }
        if (!leadership.isShutdown()) // a member closing hears of its own role change
        {
            if (lead)
            {
                // The lease starts when the service hears of the election, not when this thread gets to it.
                lease.lead(true, System.nanoTime());
                leadership.execute(this::takeLead);
            }
            else
            {
                leadership.execute(this::giveUpLead);
            }
        }
    }

    private void takeLead()
    {
        try
        {
            final long startNs = System.nanoTime();
            ingress = ClusterIngress.connectToOwnLeader(member.aeronClient());
            final long connectedNs = System.nanoTime();
            if (service.engine() == null)
            {
                // A fresh cluster: the first leader begins the log with the node-start record (configuration and
                // identifier key); should two leaders both do it, every member takes the first in the log.
                // Its own bytes: the ingress's are the inbound stage's, and Chronicle's Bytes keep to one thread.
                final Bytes<?> record = Bytes.allocateElasticOnHeap(4096);
                JournalEncoder.nodeStart(record, 0, System.currentTimeMillis(),
                    config.engineConfig(NodeAssembly.freshIdKey()));
                ingress.offer(record.toByteArray());
            }
            final SipPipeline prepared = ready;
            ready = null; // boundPipeline owns it now: bound, or closed
            pipeline = boundPipeline(prepared);
            // Before anything is sent from them: on one host, the lost leader held them until it gave up its lead.
            System.getLogger(ClusterNode.class.getName()).log(System.Logger.Level.INFO, "cluster member " +
                config.cluster().member() + " bound the SIP addresses");
            statusPipeline = pipeline;
            if (config.media().enabled())
            {
                // Before any input of this lead comes in: the engine gives the relay every endpoint it holds when it
                // takes it (ReplicatedEngine.mediaTo), and the relay's reports go to the log through this pipeline.
                media = NodeAssembly.startMediaRelay(config);
                mediaReports = new MediaReportReader(media.reports(), pipeline.inputs()).start();
                service.mediaTo(new RelayControl(media.commands()));
            }
            // The receive side sheds new calls on the engine's lag behind the log, not only on its own ring's.
            service.appliedLag().lead(ingress.clusterSessionId(), System.nanoTime());
            pipeline.progress().downstream(service.appliedLag());
            pipeline.addInboundStage(new JournalInputStage(ingress, 0));
            // The answers come in through this pipeline, hence to the log, like any input.
            webhooks.to(new TransferWebhookClient(pipeline.inputs(), Duration.ofMillis(config.webhook().timeoutMs())));
            pipeline.start((event, endOfBatch) ->
            {
                // The engine is the clustered service: this pipeline only feeds the log and sends.
            });
            network.to(pipeline.sender());
            serving = pipeline;
            // How long a failover's last step took: the election before it is Aeron's (its heartbeat timeout, a
            // nomination delay, the new term's log).
            System.getLogger(ClusterNode.class.getName()).log(System.Logger.Level.INFO, "cluster member " +
                config.cluster().member() + " leads: serving SIP " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() -
                startNs) + " ms after its election (" + TimeUnit.NANOSECONDS.toMillis(connectedNs - startNs) +
                " ms connecting to the log)");
        }
        catch (final IOException | RuntimeException ex)
        {
            giveUpLead();
            // Still the cluster's leader (a connect timeout on a loaded host, a bind the lost leader still held): a
            // leader that does not serve is no leader, so it tries again while the cluster keeps it in that role.
            final boolean again = leading && !leadership.isShutdown();
            System.getLogger(ClusterNode.class.getName()).log(System.Logger.Level.ERROR,
                "cannot take up leadership" + (again ? " (tried again in " + RETAKE_LEAD_MS + " ms)" : "") + ": " + ex);
            if (again)
            {
                leadership.schedule(() ->
                {
                    if (leading && serving == null)
                    {
                        takeLead();
                    }
                }, RETAKE_LEAD_MS, TimeUnit.MILLISECONDS);
            }
        }
    }

    /**
     * A pipeline bound to the SIP addresses, retried for {@link #BIND_RETRY_NS}: a leader that just lost its lead on
     * this host (or whose kill -9 the kernel is still cleaning up) may hold them a moment longer. A pipeline whose bind
     * failed is closed, so each try builds a new one.
     */
    private SipPipeline boundPipeline(final SipPipeline prepared) throws IOException
    {
        final long deadline = System.nanoTime() + BIND_RETRY_NS;
        SipPipeline candidate = prepared;
        while (true)
        {
            if (!ListenProbe.free(config.listen()))
            {
                // Still held (by the lost leader on this host): wait without building and dropping pipelines.
                if (System.nanoTime() - deadline > 0)
                {
                    CloseHelper.quietClose(candidate);
                    throw new IOException("the SIP addresses " + config.listen() + " are still in use");
                }
                sleepQuietly();
                continue;
            }
            if (candidate == null)
            {
                candidate = newPipeline();
            }
            try
            {
                candidate.bind();
                return candidate;
            }
            catch (final IOException ex)
            {
                candidate = null;
                if (System.nanoTime() - deadline > 0)
                {
                    throw ex;
                }
                sleepQuietly();
            }
        }
    }

    private static void sleepQuietly()
    {
        try
        {
            Thread.sleep(50);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void giveUpLead()
    {
        if (ingress != null)
        {
            ingress.abandon(); // before the pipeline closes: its inbound stage may be waiting on the log
        }
        serving = null;
        network.to(null);
        webhooks.to(null);
        service.appliedLag().follow();
        if (media != null)
        {
            service.mediaTo(MediaControl.NONE); // a command the engine still sends before it takes this is dropped
            CloseHelper.quietCloseAll(mediaReports, media);
            mediaReports = null;
            media = null;
        }
        if (pipeline != null)
        {
            pipeline.close();
            pipeline = null;
        }
        if (ingress != null)
        {
            ingress.close();
            ingress = null;
        }
        prepare();
    }

    @Override
    public synchronized void close()
    {
        if (closing)
        {
            return; // the command's own close after a failure, then its shutdown hook's
        }
        closing = true;
        leadership.execute(() ->
        {
            giveUpLead();
            if (ready != null)
            {
                ready.close();
                ready = null;
            }
        });
        leadership.shutdown();
        leaseLooks.shutdown();
        try
        {
            leadership.awaitTermination(5, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        if (admin != null)
        {
            admin.close();
        }
        member.close();
        if (journal != null)
        {
            journal.close(); // after the service that writes it
        }
        callRecords.close();
        ended.countDown();
    }

    /** The webhook client of this member's lead, none otherwise (the service asks only while it leads). */
    private static final class LeaderWebhooks implements WebhookRequests
    {
        private volatile TransferWebhookClient client;

        void to(final TransferWebhookClient next)
        {
            final TransferWebhookClient previous = client;
            client = next;
            if (previous != null)
            {
                previous.close();
            }
        }

        @Override
        public void post(final long requestId, final URI url, final String json)
        {
            final TransferWebhookClient current = client;
            if (current != null)
            {
                current.post(requestId, url, json);
            }
        }
    }

    /** The pipeline's send stage while this member leads, nothing otherwise. */
    private static final class LeaderSender implements SipSender
    {
        private volatile SipSender to;

        void to(final SipSender sender)
        {
            to = sender;
        }

        @Override
        public boolean send(final int transport, final InetSocketAddress destination, final long connectionId,
            final DirectBuffer buffer, final int offset, final int length)
        {
            final SipSender sender = to;
            return sender == null || sender.send(transport, destination, connectionId, buffer, offset, length);
        }
    }
}
