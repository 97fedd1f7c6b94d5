package dev.referee.ops.metrics;

import dev.referee.engine.counters.EngineCounters;
import dev.referee.engine.counters.OutcomeCounters;
import dev.referee.engine.counters.TargetCounters;
import dev.referee.engine.counters.TrunkCounters;
import dev.referee.ops.admin.StatusSnapshot;
import dev.referee.ops.admin.StatusSource;
import dev.referee.ring.PipelineCounters;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;

import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Referee's own metrics, read at scrape time from the counters the engine, the pipeline and the journal write
 * (each has one writer thread and is read here with acquire loads): nothing is updated for Prometheus on the engine
 * thread, and nothing here takes a lock the engine could wait on. The figures {@code GET /status} reports come from
 * the same {@link StatusSnapshot}, so the two endpoints cannot disagree. docs/operations.md ("Metrics") lists every
 * family; names follow Prometheus conventions: the {@code referee_} prefix, {@code _total} for counters, seconds and
 * bytes.
 */
public final class RefereeCollector implements MultiCollector
{
    private static final String[] DIRECTIONS = {"received", "sent"};

    private final StatusSource status;
    private final EngineCounters engine;
    private final Supplier<PipelineCounters> pipelines;
    private final LongSupplier engineLagNs;
    private final JournalAppends journal;

    /**
     * @param pipelines   the counters of the pipeline serving now (a cluster member's changes with each lead).
     * @param engineLagNs age of the oldest input the engine has not finished, now ({@code EngineProgress#lagNs}).
     * @param journal     null when the journal is off: its families are left out.
     */
    public RefereeCollector(final StatusSource status, final EngineCounters engine,
        final Supplier<PipelineCounters> pipelines, final LongSupplier engineLagNs, final JournalAppends journal)
    {
        this.status = status;
        this.engine = engine;
        this.pipelines = pipelines;
        this.engineLagNs = engineLagNs;
        this.journal = journal;
    }

    @Override
    public MetricSnapshots collect()
    {
        final StatusSnapshot now = status.snapshot();
        final long lagNs = engineLagNs.getAsLong();
        final Families families = new Families();
        calls(families, now);
        transfers(families);
        messages(families, now);
        media(families, now.media());
        dropsAndShedding(families, now);
        engineLoad(families, now, lagNs);
        trunks(families);
        routeTargets(families);
        tcp(families, now);
        hep(families, now);
        if (journal != null)
        {
            journal(families, lagNs);
        }
        cluster(families, now.cluster());
        return new MetricSnapshots(families.snapshots());
    }

    /** A cluster member's part (docs/failover.md): left out for a single node. */
    private static void cluster(final Families families, final StatusSnapshot.Cluster cluster)
    {
        if (cluster == null || cluster == StatusSnapshot.Cluster.NONE)
        {
            return;
        }
        families.gauge("referee_cluster_leader", "1 while this member leads (binds the SIP addresses and sends), else 0",
            "leader".equals(cluster.role()) ? 1 : 0);
        families.gauge("referee_cluster_term", "The cluster's leadership term, as this member last heard it",
            cluster.term());
        families.gauge("referee_cluster_applied_position",
            "Log position of the last input this member's engine applied (committed log only)",
            cluster.commitPosition());
    }

    private void calls(final Families families, final StatusSnapshot now)
    {
        final OutcomeCounters outcomes = engine.outcomes();
        families.gauge("referee_calls_active", "B2BUA calls in progress", now.activeCalls());
        families.counter("referee_calls_started", "Calls begun: callers' INVITEs relayed, and calls transfers made",
            outcomes.callsStarted());
        final Families.Counter ended = families.counter("referee_calls_ended",
            "Calls ended, by outcome: the cause the journal and call records name");
        for (int outcome = 0; outcome < OutcomeCounters.CALL_OUTCOMES.size(); outcome++)
        {
            ended.point(outcomes.callsEnded(outcome), "outcome", OutcomeCounters.CALL_OUTCOMES.get(outcome));
        }
        ended.point(outcomes.callsEnded(OutcomeCounters.CALL_OUTCOMES.size()), "outcome", OutcomeCounters.OTHER).add();
        families.gauge("referee_dialogs", "Dialogs held, one per leg", now.dialogs());
        families.gauge("referee_transactions", "SIP transactions held: pending (waiting for a final response) or " +
            "waiting (completed, absorbing retransmissions)")
            .point(now.transactions(), "state", "pending")
            .point(now.transactionsWaiting(), "state", "waiting")
            .add();
        families.gauge("referee_timers", "Timers scheduled on the engine's wheel", now.timers());
    }

    private void transfers(final Families families)
    {
        final OutcomeCounters outcomes = engine.outcomes();
        families.counter("referee_transfers_started", "Transfers started: REFERs accepted, pickups made",
            outcomes.transfersStarted());
        final Families.Counter total = families.counter("referee_transfers",
            "Transfers ended, by kind and outcome (kind other: started before a restart)");
        for (int kind = 0; kind <= OutcomeCounters.TRANSFER_KINDS.size(); kind++)
        {
            final String kindName = kind < OutcomeCounters.TRANSFER_KINDS.size() ?
                OutcomeCounters.TRANSFER_KINDS.get(kind) : OutcomeCounters.OTHER;
            for (int outcome = 0; outcome < OutcomeCounters.TRANSFER_OUTCOMES.size(); outcome++)
            {
                total.point(outcomes.transfers(kind, outcome),
                    "kind", kindName, "outcome", OutcomeCounters.TRANSFER_OUTCOMES.get(outcome));
            }
        }
        total.add();
        families.counter("referee_transfers_refused", "REFERs refused before a transfer started (403, 491, webhook)",
            outcomes.refused());
        families.histogramSeconds("referee_transfer_duration_seconds",
            "Engine time from a transfer's start to its outcome", outcomes.transferDurationNs());
    }

    private void messages(final Families families, final StatusSnapshot now)
    {
        final Families.Counter requests = families.counter("referee_sip_requests",
            "SIP requests the engine received and sent, by method (retransmissions received included)");
        final Families.Counter responses = families.counter("referee_sip_responses",
            "SIP responses the engine received and sent, by status code");
        final StatusSnapshot.MessageCounts[] counts = {now.messagesIn(), now.messagesOut()};
        for (int direction = 0; direction < DIRECTIONS.length; direction++)
        {
            // Every method from the start, zeros included (a fixed list): rate() then sees a method's first request.
            for (int slot = 0; slot < EngineCounters.methodSlots(); slot++)
            {
                final String method = EngineCounters.methodOfSlot(slot);
                requests.point(counts[direction].requests().getOrDefault(method, 0L),
                    "direction", DIRECTIONS[direction], "method", method);
            }
            for (final Map.Entry<Integer, Long> code : counts[direction].responses().entrySet())
            {
                responses.point(code.getValue(), "direction", DIRECTIONS[direction], "code",
                    String.valueOf(code.getKey()));
            }
        }
        requests.add();
        responses.add();
        families.counter("referee_sip_retransmissions", "SIP retransmissions: requests received again (absorbed " +
            "on receive or by their transaction), messages Referee sent again (Timers A, E, G, 2xx)")
            .point(engine.get(EngineCounters.RETRANSMISSIONS_RECEIVED) + now.overload().absorbed(),
                "direction", "received")
            .point(engine.get(EngineCounters.RETRANSMISSIONS_SENT), "direction", "sent")
            .add();
        families.counter("referee_sip_forks_released", "2xx from a second fork of Referee's INVITE: acknowledged " +
            "and released with BYE").point(engine.get(EngineCounters.FORKS_RELEASED)).add();
        families.counter("referee_sip_merged_requests", "Requests that came again by another path (same From, " +
            "Call-ID and CSeq, another branch): answered 482 Loop Detected").point(
            engine.get(EngineCounters.MERGED_REQUESTS)).add();
        families.counter("referee_sip_transactions_waiting_evicted", "Waiting transactions let go before their " +
            "timer (J, L, M, D or K) because their table was full: a retransmission that late is taken as new").point(
            engine.get(EngineCounters.TRANSACTIONS_WAITING_EVICTED)).add();
        families.counter("referee_sip_pracks", "PRACKs (RFC 3262): sent for a callee's reliable provisionals, " +
            "received from callers acknowledging Referee's")
            .point(engine.get(EngineCounters.PRACKS_SENT), "direction", "sent")
            .point(engine.get(EngineCounters.PRACKS_RECEIVED), "direction", "received")
            .add();
        families.counter("referee_sip_provisionals_unacknowledged", "Reliable provisionals Referee sent that no " +
            "PRACK acknowledged within 64*T1: the INVITE got 500").point(
            engine.get(EngineCounters.PROVISIONALS_UNACKNOWLEDGED)).add();
        families.counter("referee_config_reloads", "Configurations the engine took by a reload (referee reload, " +
            "POST /reload, SIGHUP), the ones replayed on recovery included")
            .point(engine.get(EngineCounters.RELOADS))
            .add();
    }

    /** Media anchored in the relay (issue 10); zeros when media passes through. */
    private static void media(final Families families, final StatusSnapshot.Media media)
    {
        families.gauge("referee_media_port_pairs", "Media port pairs of media.ports (0: media passes through)",
            media.pairs());
        families.gauge("referee_media_port_pairs_in_use", "Media port pairs held by legs, one per relayed m= line",
            media.pairsInUse());
        families.counter("referee_media_calls_refused", "New calls answered 503: no media port pairs left for them")
            .point(media.callsRefused()).add();
        families.counter("referee_media_open_failed", "Relay endpoints that could not be opened (their calls failed, " +
            "cause media-failed)").point(media.openFailed()).add();
        families.gauge("referee_media_port_pairs_unusable", "Media port pairs out of the pool: the relay could not " +
            "bind them (another process holds a port)", media.pairsUnusable());
        families.counter("referee_media_packets", "RTP and RTCP packets the media relay relayed or dropped")
            .point(media.relayed(), "outcome", "relayed")
            .point(media.dropped(), "outcome", "dropped")
            .add();
    }

    private void dropsAndShedding(final Families families, final StatusSnapshot now)
    {
        final StatusSnapshot.Drops drops = now.drops();
        final StatusSnapshot.Security security = now.security();
        families.counter("referee_messages_dropped", "Messages lost or ignored, by reason")
            .point(drops.inboundFull(), "reason", "inbound_ring_full")
            .point(drops.outboundFull(), "reason", "outbound_ring_full")
            .point(pipelines.get().udpSendDropped.get() + pipelines.get().tcpSendDropped.get(), "reason", "send_failed")
            // A cluster member's sends while it does not hold the leader's lease (docs/failover.md).
            .point(pipelines.get().sendsFenced(), "reason", "not_leader")
            .point(drops.malformed(), "reason", "malformed")
            .point(drops.unexpected(), "reason", "unexpected")
            .point(drops.journalRefused(), "reason", "journal_refused")
            .point(security.unknownDropped(), "reason", "unknown_source")
            .point(security.floodDropped(), "reason", "flood")
            .point(security.responsesFromElsewhere(), "reason", "response_from_elsewhere")
            .add();
        final TrunkCounters trunks = engine.trunks();
        families.counter("referee_requests_shed", "Requests answered 503 to shed load, by reason")
            .point(now.overload().shed(), "reason", "admission")
            .point(drops.overload503(), "reason", "inbound_ring_full")
            .point(drops.transactionLimit(), "reason", "transaction_limit")
            .point(drops.callLimit(), "reason", "call_limit")
            .point(trunks.total(TrunkCounters.CALL_LIMIT_REFUSED), "reason", "trunk_call_limit")
            .point(trunks.total(TrunkCounters.RATE_REFUSED), "reason", "trunk_rate_limit")
            .add();
        families.counter("referee_unknown_source_rejected", "Requests from sources in no trunk answered 403",
            security.unknownRejected());
        families.counter("referee_flood_blocks", "Sources flood control blocked (again after a block ended too)",
            security.blockedSources());
    }

    private void engineLoad(final Families families, final StatusSnapshot now, final long lagNs)
    {
        final StatusSnapshot.RingStatus ring = now.ring();
        families.gauge("referee_ring_used_slots", "Ring slots holding messages not yet handled")
            .point(ring.inboundSize() - ring.inboundRemaining(), "ring", "inbound")
            .point(ring.outboundSize() - ring.outboundRemaining(), "ring", "outbound")
            .add();
        families.gauge("referee_ring_slots", "Ring capacity, in slots")
            .point(ring.inboundSize(), "ring", "inbound")
            .point(ring.outboundSize(), "ring", "outbound")
            .add();
        families.gauge("referee_engine_backlog", "Inputs received and not yet handled by the engine",
            now.overload().backlog());
        families.gauge("referee_engine_lag_seconds", "Age of the oldest input the engine has not handled")
            .unit(Unit.SECONDS).point(Families.seconds(lagNs)).add();
        families.counter("referee_engine_planned_pauses", "Planned pauses of the engine thread ended (journal " +
            "snapshots): their lag sheds no new call", now.overload().plannedPauses());
        families.counter("referee_engine_planned_pause_seconds", "Time the engine thread spent in planned pauses " +
            "(journal snapshots)").unit(Unit.SECONDS)
            .point(Families.seconds(now.overload().plannedPauseMs() * 1_000_000)).add();
        families.counter("referee_engine_udp_mode_changes", "pipeline.udp-receive: engine: the engine thread's " +
            "moves to reading UDP itself (it keeps up) and back to the staged pipeline (behind, or a planned pause)")
            .point(pipelines.get().engineToRunToCompletion.get(), "to", "run_to_completion")
            .point(pipelines.get().engineToStaged.get(), "to", "staged")
            .add();
        families.histogramSeconds("referee_engine_input_lag_seconds",
            "How long each input waited between its receipt and the engine taking it", pipelines.get().inputLagNs);
        families.histogramSeconds("referee_udp_socket_wait_seconds",
            "How long each datagram waited in the kernel's socket buffer before the receive thread read it " +
            "(admission counts it in the lag)", pipelines.get().udpSocketWaitNs);
    }

    private void trunks(final Families families)
    {
        final TrunkCounters trunks = engine.trunks();
        final List<String> names = trunks.names();
        final Families.Gauge calls = families.gauge("referee_trunk_calls", "Calls counted against each trunk now");
        final Families.Counter refused = families.counter("referee_trunk_refused",
            "New INVITEs and REFERs a trunk's call policy refused, by reason");
        final Families.Counter challenged = families.counter("referee_trunk_auth_challenges",
            "INVITEs and REFERs answered 407 by a trunk's auth");
        final Families.Counter failed = families.counter("referee_trunk_auth_failures",
            "Of those, the ones whose credentials did not verify");
        for (int trunk = 0; trunk < names.size(); trunk++)
        {
            final String name = names.get(trunk);
            calls.point(trunks.get(trunk, TrunkCounters.CALLS), "trunk", name);
            refused.point(trunks.get(trunk, TrunkCounters.ROUTE_REFUSED), "trunk", name, "reason", "route")
                .point(trunks.get(trunk, TrunkCounters.CALL_LIMIT_REFUSED), "trunk", name, "reason", "call_limit")
                .point(trunks.get(trunk, TrunkCounters.RATE_REFUSED), "trunk", name, "reason", "rate")
                .point(trunks.get(trunk, TrunkCounters.REPLACES_REFUSED), "trunk", name, "reason", "replaces");
            challenged.point(trunks.get(trunk, TrunkCounters.AUTH_CHALLENGED), "trunk", name);
            failed.point(trunks.get(trunk, TrunkCounters.AUTH_FAILED), "trunk", name);
        }
        calls.add();
        refused.add();
        challenged.add();
        failed.add();
    }

    /** Route targets with keepalive (docs/routing.md): none without one. */
    private void routeTargets(final Families families)
    {
        final TargetCounters targets = engine.targets();
        final List<String> names = targets.names();
        if (names.isEmpty())
        {
            return;
        }
        final Families.Gauge up = families.gauge("referee_route_target_up",
            "1 while a route target answers its keepalive OPTIONS, 0 once one went unanswered");
        final Families.Counter pings = families.counter("referee_route_target_pings", "Keepalive OPTIONS sent");
        final Families.Counter changes = families.counter("referee_route_target_changes",
            "Times a route target went down (a ping unanswered) or came up (answered again)");
        for (int target = 0; target < names.size(); target++)
        {
            final String name = names.get(target);
            up.point(targets.get(target, TargetCounters.UP), "target", name);
            pings.point(targets.get(target, TargetCounters.PINGS), "target", name);
            changes.point(targets.get(target, TargetCounters.WENT_DOWN), "target", name, "to", "down")
                .point(targets.get(target, TargetCounters.CAME_UP), "target", name, "to", "up");
        }
        up.add();
        pings.add();
        changes.add();
    }

    private static void tcp(final Families families, final StatusSnapshot now)
    {
        final StatusSnapshot.Tcp tcp = now.tcp();
        families.gauge("referee_tcp_connections", "TCP and TLS connections open, accepted and opened by Referee",
            tcp.connectionsOpen());
        families.counter("referee_tcp_connections_closed", "TCP and TLS connections Referee closed on a limit or a TLS error, by reason")
            .point(tcp.connectionsRefused(), "reason", "max_connections")
            .point(tcp.bufferOverflows(), "reason", "buffer_overflow")
            .point(tcp.idleClosed(), "reason", "idle")
            .point(tcp.readTimeouts(), "reason", "read_timeout")
            .point(tcp.tlsFailed(), "reason", "tls_error")
            .add();
        families.counter("referee_tcp_connect_failures", "Connections Referee opened that failed (refused, reset, " +
            "TLS failed); the requests sent on each failed at once", tcp.connectFailures());
        families.counter("referee_tcp_held_for_ring", "Messages of dialogs (requests, ACKs, responses) that found the " +
            "inbound ring full and waited on their TCP connection for a slot, the connection unread meanwhile",
            tcp.heldForRing());
    }

    /** HEP capture (docs/operations.md, "Capture"): every message copied ends in one result; zeros without hep. */
    private static void hep(final Families families, final StatusSnapshot now)
    {
        final StatusSnapshot.Hep hep = now.hep();
        families.counter("referee_hep_messages", "SIP messages copied for the HEP collector, by result: sent, " +
            "dropped (capture ring full or collector down), errors (send failed)")
            .point(hep.sent(), "result", "sent")
            .point(hep.dropped(), "result", "dropped")
            .point(hep.errors(), "result", "errors")
            .add();
    }

    private void journal(final Families families, final long lagNs)
    {
        families.counter("referee_journal_records", "Records appended to the journal (inputs, outputs, events, " +
            "snapshot parts)", journal.records().getAsLong());
        families.counter("referee_journal_written_bytes", "Bytes of the records appended to the journal")
            .unit(Unit.BYTES).point(journal.bytes().getAsLong()).add();
        // The journal stage runs on the engine thread just before the engine: an input waits for both the same time.
        families.gauge("referee_journal_lag_seconds", "Age of the oldest input received and not yet journaled")
            .unit(Unit.SECONDS).point(Families.seconds(lagNs)).add();
    }
}
