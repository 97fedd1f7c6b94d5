package dev.referee.ops.node;

import dev.referee.config.ListenAddress;
import dev.referee.engine.Engine;
import dev.referee.engine.counters.EngineCounters;
import dev.referee.ops.admin.ReloadResult;
import dev.referee.ops.config.RefereeConfig;
import dev.referee.pipeline.SipPipeline;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A running Referee: transports, pipeline, engine and admin HTTP wired from one configuration (by
 * {@link NodeAssembly}). Closing it stops every thread it started and releases every socket.
 */
public final class RefereeNode implements AutoCloseable
{
    private final NodeAssembly.NodeParts parts;
    private final Engine engine;
    private final CountDownLatch closed = new CountDownLatch(1);

    RefereeNode(final NodeAssembly.NodeParts parts, final Engine engine)
    {
        this.parts = parts;
        this.engine = engine;
    }

    /**
     * Warms up (see {@link WarmUp}), then binds every listener and starts the pipeline; throws when an address cannot
     * be bound.
     */
    public static RefereeNode start(final RefereeConfig config) throws Exception
    {
        // A restart warms up beside its journal's replay (ParallelWarmUp); a fresh node before it binds.
        final boolean besideReplay = ParallelWarmUp.worthwhile(config);
        if (!besideReplay)
        {
            WarmUp.log(WarmUp.run(config));
        }
        if (config.media().enabled())
        {
            // Said at start: what of issue 10 is not built yet (docs/media.md, "What is not built yet").
            System.getLogger(RefereeNode.class.getName()).log(System.Logger.Level.WARNING,
                "media.enabled: media is anchored in the relay; a transfer target's early media (183 with SDP) is " +
                "not relayed yet: the transferee hears the generated ringback tone (docs/media.md)");
        }
        final RefereeNode node = NodeAssembly.start(config, besideReplay);
        if (!config.warmUp().enabled())
        {
            // No warm-up compiled the code of the engine reading UDP itself (pipeline.udp-receive: engine): a cold JVM
            // moving there deoptimizes and compiles the engine's hot code a second time (0.6-1 s of C2 a second for
            // about 10 s, measured), which on two cores starved the processes beside it (ScaleOutInteropTest's
            // Kamailio delivered a 100 Trying after the 200). Such a node keeps the staged pipeline.
            node.pipeline().holdEngineReadingUdp(false);
        }
        return node;
    }

    public SipPipeline pipeline()
    {
        return parts.pipeline;
    }

    public EngineCounters engineCounters()
    {
        return parts.counters;
    }

    /** Where SIP is received, in configured order, with the port the system chose where the configuration says 0. */
    public List<ListenAddress> boundAddresses()
    {
        return parts.listen;
    }

    /** Where the admin HTTP server listens, port resolved; null when it is off. */
    public InetSocketAddress adminAddress()
    {
        return parts.admin == null ? null : parts.admin.address();
    }

    /**
     * Reads the configuration file again and applies what may change while running (see {@link ConfigReload}): what
     * {@code referee reload}, {@code POST /reload} and SIGHUP do. Any thread.
     */
    public ReloadResult reload()
    {
        return parts.reload.reload();
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
            parts.close();
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
