package dev.referee.ops.node;

import dev.referee.capture.HepCapture;
import dev.referee.engine.counters.EngineCounters;
import dev.referee.engine.counters.TargetCounters;
import dev.referee.engine.counters.TrunkCounters;
import dev.referee.media.RelayCounters;
import dev.referee.ops.admin.StatusSnapshot;
import dev.referee.ops.admin.StatusSource;
import dev.referee.pipeline.SipPipeline;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Builds {@code GET /status} from the engine's and the pipeline's counters, which are safe to read from any thread. */
final class NodeStatus implements StatusSource
{
    private final Supplier<SipPipeline> pipelines;
    private final Supplier<StatusSnapshot.Cluster> cluster;
    private final EngineCounters engine;
    private final HepCapture capture; // null without hep
    private final RelayCounters relay; // null unless media.enabled

    NodeStatus(final SipPipeline pipeline, final EngineCounters engine)
    {
        this(pipeline, engine, null);
    }

    NodeStatus(final SipPipeline pipeline, final EngineCounters engine, final HepCapture capture)
    {
        this(pipeline, engine, capture, null);
    }

    NodeStatus(final SipPipeline pipeline, final EngineCounters engine, final HepCapture capture,
        final RelayCounters relay)
    {
        this(() -> pipeline, () -> StatusSnapshot.Cluster.NONE, engine, capture, relay);
    }

    /**
     * A cluster member's: its pipeline changes with leadership ({@code pipelines} gives the current one, never null),
     * and {@code cluster} says what the member knows of the cluster.
     */
    NodeStatus(final Supplier<SipPipeline> pipelines, final Supplier<StatusSnapshot.Cluster> cluster,
        final EngineCounters engine, final HepCapture capture, final RelayCounters relay)
    {
        this.pipelines = pipelines;
        this.cluster = cluster;
        this.engine = engine;
        this.capture = capture;
        this.relay = relay;
    }

    @Override
    public List<String> stoppedThreads()
    {
        return pipelines.get().stoppedThreads();
    }

    @Override
    public StatusSnapshot snapshot()
    {
        final SipPipeline pipeline = pipelines.get();
        return new StatusSnapshot(
            engine.get(EngineCounters.CALLS),
            engine.get(EngineCounters.DIALOGS),
            engine.get(EngineCounters.TRANSACTIONS),
            engine.get(EngineCounters.TRANSACTIONS_WAITING),
            engine.get(EngineCounters.TIMERS),
            new StatusSnapshot.RingStatus(
                pipeline.inboundRemainingCapacity(), pipeline.inboundRingSize(),
                pipeline.outboundRemainingCapacity(), pipeline.outboundRingSize()),
            counts(true),
            counts(false),
            new StatusSnapshot.Drops(
                pipeline.counters().inboundDropped(),
                engine.get(EngineCounters.OUTBOUND_FULL) + pipeline.counters().outboundDropped.get(),
                pipeline.counters().overloadResponses(),
                engine.get(EngineCounters.MALFORMED),
                pipeline.counters().inputsRefused.get(),
                engine.get(EngineCounters.UNEXPECTED),
                engine.get(EngineCounters.TRANSACTION_LIMIT),
                engine.get(EngineCounters.CALL_LIMIT)),
            new StatusSnapshot.Overload(
                pipeline.counters().admitted(),
                pipeline.counters().shed(),
                pipeline.counters().absorbed(),
                pipeline.progress().backlog(),
                pipeline.progress().lagNs(System.nanoTime()) / 1_000_000,
                pipeline.progress().pauses(),
                pipeline.progress().pausedNs() / 1_000_000),
            new StatusSnapshot.Security(
                pipeline.counters().unknownRejected(),
                pipeline.counters().unknownDropped(),
                pipeline.counters().floodDropped(),
                pipeline.counters().floodBlocks(),
                engine.get(EngineCounters.RESPONSES_FROM_ELSEWHERE)),
            new StatusSnapshot.Tcp(
                pipeline.counters().tcpConnectionsOpen(),
                pipeline.counters().tcpConnectionsRefused.get(),
                pipeline.counters().tcpBufferOverflows.get(),
                pipeline.counters().tcpIdleClosed.get(),
                pipeline.counters().tcpReadTimeouts.get(),
                pipeline.counters().tlsFailed.get(),
                pipeline.counters().tcpConnectFailures.get(),
                pipeline.counters().tcpHeldForRing.get()),
            trunks(),
            capture == null ? StatusSnapshot.Hep.none() :
                new StatusSnapshot.Hep(capture.sent(), capture.dropped(), capture.errors()),
            routeTargets(),
            new StatusSnapshot.Provisionals(
                engine.get(EngineCounters.PRACKS_SENT),
                engine.get(EngineCounters.PRACKS_RECEIVED),
                engine.get(EngineCounters.PROVISIONALS_UNACKNOWLEDGED)),
            relay == null ? StatusSnapshot.Media.none() : new StatusSnapshot.Media(1,
                engine.get(EngineCounters.MEDIA_PAIRS), engine.get(EngineCounters.MEDIA_PAIRS_IN_USE),
                engine.get(EngineCounters.MEDIA_PORTS_EXHAUSTED), relay.relayed(), relay.dropped(),
                engine.get(EngineCounters.MEDIA_OPEN_FAILED), engine.get(EngineCounters.MEDIA_PAIRS_UNUSABLE)),
            cluster.get());
    }

    /** The route targets with keepalive, in configuration order. */
    private Map<String, StatusSnapshot.RouteTarget> routeTargets()
    {
        final TargetCounters counters = engine.targets();
        final Map<String, StatusSnapshot.RouteTarget> byName = new LinkedHashMap<>();
        for (int target = 0; target < counters.names().size(); target++)
        {
            byName.put(counters.names().get(target), new StatusSnapshot.RouteTarget(
                counters.get(target, TargetCounters.UP), counters.get(target, TargetCounters.PINGS),
                counters.get(target, TargetCounters.WENT_DOWN), counters.get(target, TargetCounters.CAME_UP)));
        }
        return byName;
    }

    /** The engine's per-trunk call policy and authentication counts: one row per configured trunk and the default one. */
    private StatusSnapshot.Trunks trunks()
    {
        final TrunkCounters counters = engine.trunks();
        final Map<String, StatusSnapshot.TrunkCalls> byName = new LinkedHashMap<>();
        for (int trunk = 0; trunk < counters.names().size(); trunk++)
        {
            byName.put(counters.names().get(trunk), new StatusSnapshot.TrunkCalls(
                counters.get(trunk, TrunkCounters.CALLS),
                counters.get(trunk, TrunkCounters.ROUTE_REFUSED),
                counters.get(trunk, TrunkCounters.CALL_LIMIT_REFUSED),
                counters.get(trunk, TrunkCounters.RATE_REFUSED),
                counters.get(trunk, TrunkCounters.REPLACES_REFUSED),
                counters.get(trunk, TrunkCounters.AUTH_CHALLENGED),
                counters.get(trunk, TrunkCounters.AUTH_FAILED)));
        }
        return new StatusSnapshot.Trunks(byName);
    }

    private StatusSnapshot.MessageCounts counts(final boolean in)
    {
        final Map<String, Long> requests = new HashMap<>();
        for (int slot = 0; slot < EngineCounters.methodSlots(); slot++)
        {
            final long count = in ? engine.requestsIn(slot) : engine.requestsOut(slot);
            if (count > 0)
            {
                requests.put(EngineCounters.methodOfSlot(slot), count);
            }
        }
        final Map<Integer, Long> responses = new HashMap<>();
        for (int status = 100; status < EngineCounters.statusSlots(); status++)
        {
            final long count = in ? engine.responsesIn(status) : engine.responsesOut(status);
            if (count > 0)
            {
                responses.put(status, count);
            }
        }
        return new StatusSnapshot.MessageCounts(requests, responses);
    }
}
