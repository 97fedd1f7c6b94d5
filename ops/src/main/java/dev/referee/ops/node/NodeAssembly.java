package dev.referee.ops.node;

import dev.referee.capture.HepCapture;
import dev.referee.cdr.CdrWriter;
import dev.referee.cdr.WallClockMapping;
import dev.referee.config.ListenAddress;
import dev.referee.engine.Engine;
import dev.referee.engine.InboundAdapter;
import dev.referee.engine.config.EngineConfig;
import dev.referee.engine.counters.EngineCounters;
import dev.referee.engine.events.EngineEventsFanOut;
import dev.referee.engine.id.IdKey;
import dev.referee.engine.media.RelayControl;
import dev.referee.journal.ChronicleSink;
import dev.referee.journal.Journal;
import dev.referee.journal.JournalEvents;
import dev.referee.journal.JournalInputStage;
import dev.referee.journal.JournalRecovery;
import dev.referee.journal.JournalSender;
import dev.referee.journal.JournalSnapshotter;
import dev.referee.journal.RecoveryGate;
import dev.referee.ops.admin.AdminServer;
import dev.referee.ops.config.RefereeConfig;
import dev.referee.ops.metrics.JournalAppends;
import dev.referee.ops.metrics.MetricsExposition;
import dev.referee.ops.metrics.RefereeCollector;
import dev.referee.ops.webhook.TransferWebhookClient;
import dev.referee.media.MediaRelay;
import dev.referee.media.RelayConfig;
import dev.referee.pipeline.SipPipeline;
import dev.referee.engine.config.RouteTarget;
import dev.referee.transport.Transport;
import dev.referee.transport.UdpTransport;

import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The composition root: the one place a node is put together from its configuration, journal on or off. Both the
 * node that serves ({@link RefereeNode#start}) and the throwaway warm-up node ({@link WarmUp}) are built here.
 * <pre>
 *  receive threads ─► inbound ring ─► [JournalInputStage] ─► InboundAdapter ─► Engine ─┬─► [RecoveryGate]
 *                                                                                      │
 *  send threads ◄── outbound ring ◄── [JournalSender] ◄── messages ◄───────────────────┤
 *                         CdrWriter ◄── [JournalEvents] ◄── domain events ◄────────────┤
 *             TransferWebhookClient ◄── webhook requests ◄─────────────────────────────┘
 * </pre>
 * The bracketed parts exist only with the journal on. In order:
 * <ol>
 * <li>the pipeline (rings and transports), bound at once, so that a configured port 0 is known as the real port
 * before the engine that advertises it (Via, Contact) is built;</li>
 * <li>the webhook client and the call-record writer;</li>
 * <li>the engine: with the journal, {@link JournalRecovery} builds it, or rebuilds it from the journal behind a
 * closed {@link RecoveryGate}, then the journal's input stage is added to the pipeline and the gate opens; without
 * it, the engine is built here and sends straight into the pipeline;</li>
 * <li>the pipeline's threads, with the engine as its engine stage, then the admin HTTP server.</li>
 * </ol>
 * Anything that fails closes what was built before it.
 */
final class NodeAssembly
{
    private NodeAssembly()
    {
    }

    /** Builds and starts a node; throws (with nothing left running or bound) when any part cannot start. */
    static RefereeNode start(final RefereeConfig config) throws Exception
    {
        return start(config, false);
    }

    /**
     * {@link #start(RefereeConfig)}, and with {@code warmUpBesideReplay} the warm-up started once the listeners are
     * bound, so that it runs beside the journal's replay, and waited for (its result logged) before the pipeline
     * starts (see {@link ParallelWarmUp}). A failure waits for the warm-up too: nothing is left running.
     */
    static RefereeNode start(final RefereeConfig config, final boolean warmUpBesideReplay) throws Exception
    {
        final NodeParts parts = new NodeParts();
        ParallelWarmUp running = null;
        try
        {
            parts.pipeline = pipeline(config);
            if (config.hep().enabled())
            {
                // Every message the transports read or write is copied to the HEP collector, off the engine thread.
                parts.capture = new HepCapture(config.hep());
                parts.pipeline.capture(parts.capture);
            }
            parts.pipeline.watchUdpPeers(udpRouteTargets(config));
            // Bound before the engine is built: a configured port 0 is advertised (Via, Contact) as the real port.
            parts.pipeline.bind();
            if (warmUpBesideReplay)
            {
                running = ParallelWarmUp.start(config);
            }
            parts.webhooks = new TransferWebhookClient(
                parts.pipeline.inputs(), Duration.ofMillis(config.webhook().timeoutMs()));
            // Call records are written off the engine thread; wall-clock times come from this one reading.
            parts.callRecords = new CdrWriter(config.cdr().dir(), WallClockMapping.capture()).start();
            // The identifier key is the one non-deterministic input: drawn here, outside the engine, and kept by the
            // journal, whose recorded key wins when the node restarts on an existing journal (replay rebuilds the
            // same ids).
            parts.listen = resolvedListen(config.listen(), parts.pipeline.boundAddresses());
            final EngineConfig engineConfig = config.withListen(parts.listen).engineConfig(freshIdKey());
            final Engine engine = config.journal().enabled() ?
                journaledEngine(config, engineConfig, parts) : unjournaledEngine(engineConfig, parts);
            if (parts.capture != null)
            {
                parts.capture.start();
            }
            if (engine.config().anchorsMedia())
            {
                // The relay binds each endpoint's ports when the engine opens it; before the engine thread starts, the
                // engine gives it every endpoint of the calls it recovered (docs/media.md).
                parts.media = startMediaRelay(config);
                engine.mediaLive(new RelayControl(parts.media.commands()));
                parts.mediaReports = new MediaReportReader(parts.media.reports(), parts.pipeline.inputs()).start();
            }
            if (running != null)
            {
                final ParallelWarmUp done = running;
                running = null;
                WarmUp.log(done.await());
            }
            // Read before the engine thread starts: from then on only reloads change it, and ConfigReload knows those.
            parts.pipeline.start(new InboundAdapter(engine));
            // Read before the engine thread takes an input that could change it: from then on only reloads do, and
            // ConfigReload knows those.
            parts.reload = new ConfigReload(config, engine.config(), parts.pipeline, parts.counters, parts.listen);
            if (config.admin() != null)
            {
                final NodeStatus status = new NodeStatus(parts.pipeline, parts.counters, parts.capture,
                    parts.media == null ? null : parts.media.counters());
                // /metrics reads what /status reads, plus the distributions and outcome counts only it shows.
                final SipPipeline pipeline = parts.pipeline;
                parts.admin = AdminServer.start(config.admin(), status, new MetricsExposition(new RefereeCollector(
                    status, parts.counters, pipeline::counters, () -> pipeline.progress().lagNs(System.nanoTime()),
                    parts.journalAppends)), parts.reload);
                parts.reload.adminBound(parts.admin.address());
            }
            return new RefereeNode(parts, engine);
        }
        catch (final Exception ex)
        {
            parts.close();
            if (running != null)
            {
                try
                {
                    running.await();
                }
                catch (final Exception warmUpFailure)
                {
                    ex.addSuppressed(warmUpFailure);
                }
            }
            throw ex;
        }
    }

    /** The media relay of {@code config}'s {@code media} section, started (a cluster member's leader runs one too). */
    static MediaRelay startMediaRelay(final RefereeConfig config)
    {
        return new MediaRelay(RelayConfig.defaults(config.media().address()).withMaxEndpoints(config.media().pairs()))
            .start();
    }

    /** The rings and transports of {@code config}, not bound yet (a cluster member keeps one ready too). */
    static SipPipeline pipeline(final RefereeConfig config)
    {
        // A cluster member's engine sends from the clustered-service thread, its pipeline's 503s from its own.
        return new SipPipeline(config.pipeline(), config.listen(), config.sip().userAgent(), config.overload(),
            config.trunkSources(), config.security(), config.tcp(), config.tls(), new SystemNanoClock(),
            config.cluster().enabled());
    }

    /**
     * The engine on its journal: recovered from it (or started on a new one), its outputs and domain events journaled
     * on the engine thread, each input journaled just before the engine sees it.
     */
    private static Engine journaledEngine(final RefereeConfig config, final EngineConfig engineConfig,
        final NodeParts parts) throws IOException
    {
        parts.journal = Journal.openForWriting(config.journalDir(), config.journal());
        // One sink, hence one Chronicle appender, for everything the engine thread journals: inputs, outputs, domain
        // events, snapshots (see JournalSender for why the outputs are journaled there too).
        final ChronicleSink engineSink = parts.journal.newSink();
        parts.journalAppends = new JournalAppends(engineSink::records, engineSink::bytes);
        final JournalSender outputs = new JournalSender(parts.pipeline.sender(), engineSink,
            config.journal().outputs());
        final RecoveryGate gate = new RecoveryGate(outputs,
            EngineEventsFanOut.of(new JournalEvents(engineSink), parts.callRecords), parts.webhooks);
        final JournalRecovery recovery = JournalRecovery.recover(parts.journal, engineConfig, gate, parts.counters,
            SystemNanoClock.INSTANCE, SystemEpochClock.INSTANCE);
        final JournalSnapshotter snapshotter = new JournalSnapshotter(recovery.engine(), engineSink,
            TimeUnit.MILLISECONDS.toNanos(config.journal().snapshotIntervalMs()), config.journal().snapshotInputs(),
            SystemNanoClock.INSTANCE,
            parts.pipeline.progress());
        snapshotter.wallClockAnchor(recovery.anchorTimeNs(), recovery.anchorWallClockMs());
        parts.pipeline.addInboundStage(
            new JournalInputStage(engineSink, recovery.timeOffsetNs(), snapshotter, outputs));
        gate.goLive();
        if (recovery.recovered())
        {
            final System.Logger log = System.getLogger(RefereeNode.class.getName());
            log.log(System.Logger.Level.INFO, "recovered " + recovery.engine().activeCalls() + " calls from " +
                recovery.inputsReplayed() + " journaled inputs in " + recovery.recoveryNs() / 1_000_000 + " ms");
            if (recovery.configWarning() != null)
            {
                log.log(System.Logger.Level.WARNING, recovery.configWarning());
            }
        }
        return recovery.engine();
    }

    /**
     * Journal off (to measure what it costs): no input stage, output observer or event sink, hence nothing to
     * recover; call records and webhooks are wired as with the journal.
     */
    private static Engine unjournaledEngine(final EngineConfig engineConfig, final NodeParts parts)
    {
        return new Engine(engineConfig, parts.pipeline.sender(), parts.counters, parts.callRecords, parts.webhooks);
    }

    /**
     * Every UDP route target, once: their closed ports are heard (ICMP) and passed over at once. A reload that adds
     * targets does not add sockets: those are found out by Timer B until the next restart.
     */
    static List<InetSocketAddress> udpRouteTargets(final RefereeConfig config)
    {
        return config.routes().stream().flatMap(route -> route.targets().stream())
            .filter(target -> target.transport() == Transport.UDP).map(RouteTarget::address).distinct()
            .limit(UdpTransport.MAX_WATCHED_PEERS).toList();
    }

    /**
     * The configured listen addresses in their order, each port 0 replaced by the port the system chose; the others
     * are kept as configured (a journal compares them with the ones it recorded). {@code bound} is the pipeline's
     * list: UDP then TCP then TLS, each in configured order.
     */
    static List<ListenAddress> resolvedListen(final List<ListenAddress> configured, final List<ListenAddress> bound)
    {
        final List<ListenAddress> resolved = new ArrayList<>(configured.size());
        final int[] seen = new int[Transport.COUNT];
        for (final ListenAddress address : configured)
        {
            final int nth = seen[Transport.index(address.transport())]++;
            if (address.address().getPort() != 0)
            {
                resolved.add(address);
                continue;
            }
            int index = 0;
            for (final ListenAddress candidate : bound)
            {
                if (candidate.transport() == address.transport() && index++ == nth)
                {
                    resolved.add(candidate);
                    break;
                }
            }
        }
        return resolved;
    }

    /**
     * 128 bits from the platform's secure random source: the key of every tag, branch and Call-ID the node will make
     * (docs/security.md, Identifiers). The default {@link SecureRandom} (on Linux, the kernel's non-blocking source)
     * rather than {@link SecureRandom#getInstanceStrong()}, which may block at boot and is no better for a key.
     */
    static IdKey freshIdKey()
    {
        final SecureRandom random = new SecureRandom();
        return new IdKey(random.nextLong(), random.nextLong());
    }

    /**
     * What a node holds and must release, filled in as it is built; {@link #close()} releases whatever is there, in
     * the one order that leaves no thread writing to something closed.
     */
    static final class NodeParts implements AutoCloseable
    {
        final EngineCounters counters = new EngineCounters();
        SipPipeline pipeline;
        List<ListenAddress> listen; // as configured, ports resolved
        TransferWebhookClient webhooks;
        CdrWriter callRecords;
        Journal journal; // stays null when journal.enabled is false
        JournalAppends journalAppends; // what the engine's journal sink appended; null without a journal
        AdminServer admin;
        HepCapture capture; // stays null without hep
        MediaRelay media; // stays null unless media.enabled
        MediaReportReader mediaReports; // the same
        ConfigReload reload;

        @Override
        public void close()
        {
            if (admin != null)
            {
                admin.close();
            }
            if (mediaReports != null)
            {
                mediaReports.close(); // before the pipeline: it publishes inputs into it
            }
            if (pipeline != null)
            {
                pipeline.close();
            }
            if (capture != null)
            {
                capture.close(); // after the pipeline: its threads tap into the capture ring
            }
            if (media != null)
            {
                media.close(); // after the pipeline: the engine thread writes its commands
            }
            if (webhooks != null)
            {
                webhooks.close();
            }
            if (callRecords != null)
            {
                callRecords.close(); // after the pipeline: the engine has stopped reporting
            }
            if (journal != null)
            {
                journal.close(); // after the pipeline: the engine thread journals
            }
        }
    }
}
