package dev.referee.ops.node;

import dev.referee.config.RefereeConfig;
import dev.referee.cdr.CdrWriter;
import dev.referee.cdr.WallClockMapping;
import dev.referee.engine.Engine;
import dev.referee.engine.EngineAgent;
import dev.referee.engine.config.EngineConfig;
import dev.referee.engine.counters.EngineCounters;
import dev.referee.engine.id.IdKey;
import dev.referee.journal.Journal;
import dev.referee.journal.JournalRecovery;
import dev.referee.ops.admin.AdminServer;
import dev.referee.ops.webhook.TransferWebhookClient;
import dev.referee.pipeline.SipPipeline;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A running Referee: transports, pipeline, engine and admin HTTP wired from one configuration.
 * Closing it stops every thread it started and releases every socket.
 */
public final class RefereeNode implements AutoCloseable
{
    private final SipPipeline pipeline;
    private final Engine engine;
    private final EngineCounters engineCounters;
    private final Journal journal; // null when journal.enabled is false
    private final CdrWriter callRecords;
    private final TransferWebhookClient webhooks;
    private final CountDownLatch closed = new CountDownLatch(1);
    private AdminServer admin;

    private RefereeNode(final SipPipeline pipeline, final Engine engine, final EngineCounters engineCounters,
        final Journal journal, final CdrWriter callRecords, final TransferWebhookClient webhooks)
    {
        this.pipeline = pipeline;
        this.engine = engine;
        this.engineCounters = engineCounters;
        this.journal = journal;
        this.callRecords = callRecords;
        this.webhooks = webhooks;
    }

    /**
     * Warms up (see {@link WarmUp}), then binds every listener and starts the pipeline; throws when an address cannot
     * be bound.
     */
    public static RefereeNode start(final RefereeConfig config) throws Exception
    {
        final WarmUp.Result warmUp = WarmUp.run(config);
        if (warmUp != null)
        {
            System.getLogger(RefereeNode.class.getName()).log(System.Logger.Level.INFO, warmUp.toString());
        }
        return startWithoutWarmUp(config);
    }

    /** Binds every listener and starts the pipeline at once; throws when an address cannot be bound. */
    static RefereeNode startWithoutWarmUp(final RefereeConfig config) throws Exception
    {
        final SipPipeline pipeline = new SipPipeline(config);
        final EngineCounters counters = new EngineCounters();
        // The identifier key is the one non-deterministic input: drawn here, outside the engine, and kept by the
        // journal, whose recorded key wins when the node restarts on an existing journal (replay rebuilds the same
        // ids).
        final IdKey freshKey = freshIdKey();
        final JournalRecovery journaled;
        final Engine unjournaled;
        final CdrWriter callRecords;
        final TransferWebhookClient webhooks = new TransferWebhookClient(
            pipeline.inputs(), Duration.ofMillis(config.webhook().timeoutMs()));
        try
        {
            // Call records are written off the engine thread; wall-clock times come from this one reading.
            callRecords = new CdrWriter(config.cdr().dir(), WallClockMapping.capture()).start();
            try
            {
                if (config.journal().enabled())
                {
                    journaled = JournalRecovery.start(config, pipeline, counters, freshKey, callRecords, webhooks,
                    SystemNanoClock.INSTANCE, SystemEpochClock.INSTANCE);
                    unjournaled = null;
                }
                else
                {
                    // Journal off (to measure what it costs): no input stage, output observer or event sink,
                    // hence nothing to recover; call records and webhooks are wired as with the journal.
                    journaled = null;
                    unjournaled = new Engine(
                        EngineConfig.from(config, freshKey), pipeline.sender(), counters, callRecords, webhooks);
                }
            }
            catch (final Exception ex)
            {
                callRecords.close();
                throw ex;
            }
        }
        catch (final Exception ex)
        {
            webhooks.close();
            pipeline.close();
            throw ex;
        }
        if (journaled != null && journaled.recovered())
        {
            final System.Logger log = System.getLogger(RefereeNode.class.getName());
            log.log(System.Logger.Level.INFO, "recovered " + journaled.engine().activeCalls() + " calls from " +
                journaled.inputsReplayed() + " journaled inputs in " + journaled.recoveryNs() / 1_000_000 + " ms");
            if (journaled.configWarning() != null)
            {
                log.log(System.Logger.Level.WARNING, journaled.configWarning());
            }
        }
        final Engine engine = journaled != null ? journaled.engine() : unjournaled;
        final RefereeNode node = new RefereeNode(
            pipeline, engine, counters, journaled != null ? journaled.journal() : null, callRecords, webhooks);
        try
        {
            pipeline.start(new EngineAgent(engine));
            if (config.admin() != null)
            {
                node.admin = AdminServer.start(config.admin(), new NodeStatus(pipeline, counters));
            }
        }
        catch (final Exception ex)
        {
            node.close();
            throw ex;
        }
        return node;
    }

    /**
     * 128 bits from the platform's secure random source: the key of every tag, branch and Call-ID the node will make
     * (docs/security.md, Identifiers). The default {@link SecureRandom} (on Linux, the kernel's non-blocking source)
     * rather than {@link SecureRandom#getInstanceStrong()}, which may block at boot and is no better for a key.
     */
    private static IdKey freshIdKey()
    {
        final SecureRandom random = new SecureRandom();
        return new IdKey(random.nextLong(), random.nextLong());
    }

    public SipPipeline pipeline()
    {
        return pipeline;
    }

    public EngineCounters engineCounters()
    {
        return engineCounters;
    }

    /** Blocks until {@link #close()} is called from another thread (e.g. a shutdown hook). */
    public void awaitClose() throws InterruptedException
    {
        closed.await();
    }

    @Override
    public void close()
    {
        try
        {
            if (admin != null)
            {
                admin.close();
            }
            pipeline.close();
            webhooks.close();
            callRecords.close(); // after the pipeline: the engine has stopped reporting
            if (journal != null)
            {
                journal.close();
            }
        }
        finally
        {
            closed.countDown();
        }
    }

    @Override
    public String toString()
    {
        return "RefereeNode{calls=" + engine.activeCalls() + "}";
    }
}
