package dev.referee.ops.node;

import dev.referee.engine.Engine;
import dev.referee.engine.counters.EngineCounters;
import dev.referee.ops.admin.ReloadResult;
import dev.referee.ops.admin.Reloader;
import dev.referee.ops.config.RefereeConfig;
import dev.referee.pipeline.SipPipeline;

import java.net.InetSocketAddress;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@code referee reload}, {@code POST /reload} and SIGHUP on a cluster member (docs/failover.md): the same file checks
 * as a single node's ({@link ConfigReload}, the {@code cluster} section fixed too), but the engine's part of a
 * configuration belongs to the cluster. The leader offers it to the log as a reload input, which every member's engine
 * applies at the same position (as a single node's journal takes it); a follower cannot, and says so: reload the leader.
 * Every member takes the receive side's part (trunk sources, unknown sources) and keeps the file's configuration for
 * the pipeline it builds when it next leads. One reload at a time.
 */
final class MemberReload implements Reloader
{
    private final Supplier<SipPipeline> leading;
    private final Supplier<SipPipeline> receiving;
    private final Supplier<Engine> engine;
    private final EngineCounters counters;
    private final Supplier<InetSocketAddress> boundAdmin;
    private final Consumer<RefereeConfig> applied;
    private volatile RefereeConfig running;

    /**
     * @param leading   the pipeline serving while this member leads, else null.
     * @param receiving the pipeline whose receive side takes the border's part: the serving one, or the one kept
     *                  ready.
     * @param engine    the replicated engine (its configuration in force), null before the log's start built it.
     * @param applied   told of each configuration applied: the member builds its next pipelines from it.
     */
    MemberReload(final RefereeConfig running, final Supplier<SipPipeline> leading,
        final Supplier<SipPipeline> receiving, final Supplier<Engine> engine, final EngineCounters counters,
        final Supplier<InetSocketAddress> boundAdmin, final Consumer<RefereeConfig> applied)
    {
        this.running = running;
        this.leading = leading;
        this.receiving = receiving;
        this.engine = engine;
        this.counters = counters;
        this.boundAdmin = boundAdmin;
        this.applied = applied;
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
        final ConfigReload.Loaded loaded = ConfigReload.loadNext(current, current.listen(), boundAdmin.get());
        if (loaded.refused() != null)
        {
            return loaded.refused();
        }
        final RefereeConfig next = loaded.next();
        final SipPipeline pipeline = leading.get();
        final Engine replicated = engine.get();
        final String engineMessage;
        if (pipeline != null && replicated != null)
        {
            // Its configuration in force: a reload changes only what may change, the rest stays as it is.
            if (!ConfigReload.publishAndAwait(pipeline, counters,
                replicated.config().withReloadable(next.engineConfig(null))))
            {
                return ConfigReload.notTaken();
            }
            engineMessage = "the cluster's engine took it from the log";
        }
        else
        {
            engineMessage = "this member follows: its receive side took the file, the engine's part (routes, trunks, " +
                "transfer and the rest) is the cluster's and changes only by a reload of the leader";
        }
        receiving.get().reloadBorder(next.trunkSources(), next.security());
        running = next.withListen(current.listen()).withAdmin(current.admin());
        applied.accept(running);
        return new ReloadResult(ReloadResult.APPLIED, ConfigReload.applied(current, next) + "; " + engineMessage);
    }
}
