package dev.referee.ops.node;

import dev.referee.config.ConfigException;
import dev.referee.config.ListenAddress;
import dev.referee.engine.config.EngineConfig;
import dev.referee.engine.counters.EngineCounters;
import dev.referee.ops.admin.ReloadResult;
import dev.referee.ops.admin.Reloader;
import dev.referee.ops.config.ConfigLoader;
import dev.referee.ops.config.RefereeConfig;
import dev.referee.pipeline.SipPipeline;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * {@code referee reload}, {@code POST /reload} and SIGHUP: reads the node's configuration file again and applies what
 * may change while calls are up (docs/operations.md, Reload). Routes, trunks (sources, policies, limits, auth,
 * webhooks), transfer, redirect and webhook settings, {@code sip.max-calls}, {@code sip.max-transactions},
 * {@code security.unknown-sources}, the trunks' {@code flood} switch and {@code admin-token} change; the engine takes
 * its part as a journaled input (replay and recovery take it at the same point), the receive threads their part right
 * after. A file that does not load, or that changes anything else, is refused whole and the running configuration
 * stays. One reload at a time.
 */
final class ConfigReload implements Reloader
{
    /** How long the engine may take to reach the reload in its ring: it is behind by at most a ring of inputs. */
    private static final long TAKE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);

    private final SipPipeline pipeline;
    private final EngineCounters counters;
    private volatile RefereeConfig running;
    /** Where the node listens (SIP and admin) with the ports chosen where the file says 0: a file may name either. */
    private final List<ListenAddress> boundListen;
    private volatile InetSocketAddress boundAdmin;
    /** The engine's configuration in force: what it was built (or recovered) with, then each reload's. */
    private EngineConfig engineRunning;

    /** {@code engineRunning}: read from the engine before its thread started. */
    ConfigReload(final RefereeConfig running, final EngineConfig engineRunning, final SipPipeline pipeline,
        final EngineCounters counters, final List<ListenAddress> boundListen)
    {
        this.running = running;
        this.boundListen = boundListen;
        this.engineRunning = engineRunning;
        this.pipeline = pipeline;
        this.counters = counters;
    }

    /** Where the admin server was bound (port resolved), once it is. */
    void adminBound(final InetSocketAddress address)
    {
        boundAdmin = address;
    }

    /** The configuration in force (the last one a reload applied). */
    RefereeConfig running()
    {
        return running;
    }

    @Override
    public String adminToken()
    {
        return running.adminToken();
    }

    @Override
    public synchronized ReloadResult reload()
    {
        final RefereeConfig current = running;
        final Loaded loaded = loadNext(current, boundListen, boundAdmin);
        if (loaded.refused() != null)
        {
            return loaded.refused();
        }
        final RefereeConfig next = loaded.next();
        final EngineConfig engineNext = engineRunning.withReloadable(next.engineConfig(null));
        if (!publishAndAwait(pipeline, counters, engineNext))
        {
            return notTaken();
        }
        pipeline.reloadBorder(next.trunkSources(), next.security());
        engineRunning = engineNext;
        running = next.withListen(current.listen()).withAdmin(current.admin());
        return new ReloadResult(ReloadResult.APPLIED, applied(current, next));
    }

    /** What an applied reload says: the file and the main counts of what it now holds. */
    static String applied(final RefereeConfig current, final RefereeConfig next)
    {
        return "reloaded " + current.file() + ": " + next.routes().size() + " routes, " + next.trunks().size() +
            " trunks, sip.max-calls " + next.sip().maxCalls();
    }

    /** The file read again: the configuration it holds, or why a reload refuses it ({@code refused} not null). */
    record Loaded(RefereeConfig next, ReloadResult refused)
    {
    }

    /**
     * Reads {@code current}'s file again and checks that nothing in it needs a restart ({@link #needsRestart}); the
     * listen and admin addresses may also be the bound ones.
     */
    static Loaded loadNext(final RefereeConfig current, final List<ListenAddress> boundListen,
        final InetSocketAddress boundAdmin)
    {
        if (current.file() == null)
        {
            return new Loaded(null, new ReloadResult(ReloadResult.NEEDS_RESTART,
                "started with the embedded configuration: no file to read again (start with --config FILE)"));
        }
        final RefereeConfig next;
        try
        {
            next = ConfigLoader.load(current.file());
        }
        catch (final ConfigException ex)
        {
            return new Loaded(null, new ReloadResult(ReloadResult.BAD_FILE, "config error at " + ex.source() + ":" +
                ex.line() + ": " + ex.keyPath() + ": " + ex.reason() + "; the running configuration stays"));
        }
        final String fixed = needsRestart(current, next, boundListen, boundAdmin);
        if (fixed != null)
        {
            return new Loaded(null, new ReloadResult(ReloadResult.NEEDS_RESTART, fixed + " changed in " +
                current.file() + ": it cannot change while running (restart); the running configuration stays"));
        }
        return new Loaded(next, null);
    }

    /**
     * Publishes the engine's part of a reload into {@code pipeline} as an input and waits until an engine counted it
     * applied ({@link EngineCounters#RELOADS}); false when it was not taken in time.
     */
    static boolean publishAndAwait(final SipPipeline pipeline, final EngineCounters counters,
        final EngineConfig engineNext)
    {
        final long before = counters.get(EngineCounters.RELOADS);
        return pipeline.inputs().publishConfig(engineNext, System.nanoTime()) && taken(counters, before);
    }

    static ReloadResult notTaken()
    {
        return new ReloadResult(ReloadResult.NOT_TAKEN,
            "the engine did not take the configuration in time (overloaded?): try again");
    }

    private static boolean taken(final EngineCounters counters, final long before)
    {
        final long deadline = System.nanoTime() + TAKE_TIMEOUT_NS;
        while (counters.get(EngineCounters.RELOADS) == before)
        {
            if (System.nanoTime() - deadline > 0)
            {
                return false;
            }
            try
            {
                Thread.sleep(1);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /**
     * The first key of {@code next} that differs from {@code current} and needs a restart; null when none does. The
     * listen and admin addresses may also be the ones bound ({@code boundListen}, {@code boundAdmin}: a port 0 in the
     * file pinned to the port chosen).
     */
    static String needsRestart(final RefereeConfig current, final RefereeConfig next,
        final List<ListenAddress> boundListen, final InetSocketAddress boundAdmin)
    {
        if (!next.listen().equals(current.listen()) && !next.listen().equals(boundListen))
        {
            return "listen";
        }
        if (!Objects.equals(next.admin(), current.admin()) && !Objects.equals(next.admin(), boundAdmin))
        {
            return "admin";
        }
        final Object[][] fixed = {
            {"journal", current.journalDir(), next.journalDir()},
            {"journal", current.journal(), next.journal()},
            {"pipeline", current.pipeline(), next.pipeline()},
            {"sip.t1-ms", current.sip().t1Ms(), next.sip().t1Ms()},
            {"sip.t2-ms", current.sip().t2Ms(), next.sip().t2Ms()},
            {"sip.t4-ms", current.sip().t4Ms(), next.sip().t4Ms()},
            {"sip.user-agent", current.sip().userAgent(), next.sip().userAgent()},
            {"cdr", current.cdr(), next.cdr()},
            {"warm-up", current.warmUp(), next.warmUp()},
            {"overload", current.overload(), next.overload()},
            {"security.flood", current.security().flood(), next.security().flood()},
            {"tcp", current.tcp(), next.tcp()},
            {"tls", current.tls(), next.tls()},
            {"logging", current.logging(), next.logging()},
            {"hep", current.hep(), next.hep()},
            // The relay binds its address and port range at start; the engine's allocations depend on the range.
            {"media", current.media(), next.media()},
            // A member's place in its cluster (its ports, the members) is fixed for its life.
            {"cluster", current.cluster(), next.cluster()},
        };
        for (final Object[] key : fixed)
        {
            if (!Objects.equals(key[1], key[2]))
            {
                return (String)key[0];
            }
        }
        return null;
    }
}
