package dev.referee.ops.admin;

import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code GET /status} reports, immutable. The JSON names are agreed with the engine and interop owners, see
 * {@link StatusJson}.
 *
 * @param activeCalls  B2BUA calls in progress.
 * @param dialogs      dialogs held (all legs).
 * @param transactions client and server transactions still waiting for a final response.
 * @param transactionsWaiting completed transactions held only to absorb retransmissions (RFC 3261 Timers D, I, J,
 *                     K: up to 32 s over UDP), as Kamailio's tm statistics report "waiting" apart.
 * @param timers       timers scheduled on the wheel.
 * @param ring         fill of the pipeline rings.
 * @param messagesIn   SIP messages received.
 * @param messagesOut  SIP messages sent.
 * @param drops        inputs lost or refused, by cause.
 * @param overload     admission control: new calls admitted and shed, retransmissions absorbed, engine backlog.
 * @param security     the receive-side border: unknown sources refused, flood control.
 * @param tcp          TCP connections open, and those closed by a limit.
 * @param trunks       per trunk call policy: calls up, new calls and Replaces refused, digest challenges and failures
 *                     (issue 7), and their totals.
 * @param hep          HEP capture (issue 11): packets sent to the collector, messages dropped and lost to errors.
 * @param routeTargets route targets with keepalive by name ("udp:10.0.0.1:5060"), in configuration order.
 * @param provisionals reliable provisional responses (RFC 3262, issue 12): PRACKs sent and received, and the reliable
 *                     provisionals no PRACK acknowledged.
 */
public record StatusSnapshot(
    long activeCalls,
    long dialogs,
    long transactions,
    long transactionsWaiting,
    long timers,
    RingStatus ring,
    MessageCounts messagesIn,
    MessageCounts messagesOut,
    Drops drops,
    Overload overload,
    Security security,
    Tcp tcp,
    Trunks trunks,
    Hep hep,
    Map<String, RouteTarget> routeTargets,
    Provisionals provisionals,
    Media media,
    Cluster cluster)
{
    public StatusSnapshot
    {
        routeTargets = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(routeTargets));
    }

    /** A single node, not a cluster member. */
    public StatusSnapshot(final long activeCalls, final long dialogs, final long transactions,
        final long transactionsWaiting, final long timers, final RingStatus ring, final MessageCounts messagesIn,
        final MessageCounts messagesOut, final Drops drops, final Overload overload, final Security security,
        final Tcp tcp, final Trunks trunks, final Hep hep, final Map<String, RouteTarget> routeTargets,
        final Provisionals provisionals, final Media media)
    {
        this(activeCalls, dialogs, transactions, transactionsWaiting, timers, ring, messagesIn, messagesOut, drops,
            overload, security, tcp, trunks, hep, routeTargets, provisionals, media, Cluster.NONE);
    }

    /**
     * This node as a member of a cluster (issue 9, docs/failover.md): its id, its role ({@code leader},
     * {@code follower} or {@code candidate}), the leader's id as it last learnt it (-1: none yet), the leadership
     * term, and the log position of the last input its engine applied.
     */
    public record Cluster(int member, String role, int leader, long term, long commitPosition)
    {
        public static final Cluster NONE = new Cluster(-1, null, -1, -1, -1);
    }

    /** Without the media relay: pass-through. */
    public StatusSnapshot(final long activeCalls, final long dialogs, final long transactions,
        final long transactionsWaiting, final long timers, final RingStatus ring, final MessageCounts messagesIn,
        final MessageCounts messagesOut, final Drops drops, final Overload overload, final Security security,
        final Tcp tcp, final Trunks trunks, final Hep hep, final Map<String, RouteTarget> routeTargets,
        final Provisionals provisionals)
    {
        this(activeCalls, dialogs, transactions, transactionsWaiting, timers, ring, messagesIn, messagesOut, drops,
            overload, security, tcp, trunks, hep, routeTargets, provisionals, Media.none());
    }

    /**
     * Media anchored in the relay (issue 10): port pairs of {@code media.ports} and those in use (one per relayed
     * {@code m=} line per leg), new calls refused 503 for want of pairs, and the relay thread's packet counts.
     *
     * @param enabled      {@code media.enabled}: 0 or 1.
     * @param pairs        port pairs in {@code media.ports}.
     * @param pairsInUse   pairs held by legs.
     * @param callsRefused new calls answered 503: no pairs left for them.
     * @param relayed      packets (RTP and RTCP) relayed.
     * @param dropped      packets dropped (no far side yet, from elsewhere with strict-source, unparsable).
     * @param openFailed   endpoints the relay could not open: their calls failed, cause media-failed.
     * @param pairsUnusable pairs out of the pool: the relay could not bind them (another process holds a port).
     */
    public record Media(long enabled, long pairs, long pairsInUse, long callsRefused, long relayed, long dropped,
        long openFailed, long pairsUnusable)
    {
        public static Media none()
        {
            return new Media(0, 0, 0, 0, 0, 0, 0, 0);
        }
    }

    /** Without reliable provisional counts: zeros. */
    public StatusSnapshot(final long activeCalls, final long dialogs, final long transactions,
        final long transactionsWaiting, final long timers, final RingStatus ring, final MessageCounts messagesIn,
        final MessageCounts messagesOut, final Drops drops, final Overload overload, final Security security,
        final Tcp tcp, final Trunks trunks, final Hep hep, final Map<String, RouteTarget> routeTargets)
    {
        this(activeCalls, dialogs, transactions, transactionsWaiting, timers, ring, messagesIn, messagesOut, drops,
            overload, security, tcp, trunks, hep, routeTargets, Provisionals.none(), Media.none());
    }

    /**
     * @param pracksSent       PRACKs Referee sent for a callee's reliable provisionals.
     * @param pracksReceived   PRACKs from callers that acknowledged a reliable provisional Referee sent.
     * @param neverAcknowledged reliable provisionals Referee sent that no PRACK acknowledged within 64*T1 (the INVITE
     *                         got 500, the call ended {@code no-prack}).
     */
    public record Provisionals(long pracksSent, long pracksReceived, long neverAcknowledged)
    {
        public static Provisionals none()
        {
            return new Provisionals(0, 0, 0);
        }
    }

    /** Without route targets with keepalive: none. */
    public StatusSnapshot(final long activeCalls, final long dialogs, final long transactions,
        final long transactionsWaiting, final long timers, final RingStatus ring, final MessageCounts messagesIn,
        final MessageCounts messagesOut, final Drops drops, final Overload overload, final Security security,
        final Tcp tcp, final Trunks trunks, final Hep hep)
    {
        this(activeCalls, dialogs, transactions, transactionsWaiting, timers, ring, messagesIn, messagesOut, drops,
            overload, security, tcp, trunks, hep, Map.of());
    }

    /**
     * A route target with keepalive (docs/routing.md): {@code up} 1 or 0, the OPTIONS pings sent, and how often it went
     * down and came back up.
     */
    public record RouteTarget(long up, long pings, long wentDown, long cameUp)
    {
    }

    /** Without HEP counts (capture off): zeros. */
    public StatusSnapshot(final long activeCalls, final long dialogs, final long transactions,
        final long transactionsWaiting, final long timers, final RingStatus ring, final MessageCounts messagesIn,
        final MessageCounts messagesOut, final Drops drops, final Overload overload, final Security security,
        final Tcp tcp, final Trunks trunks)
    {
        this(activeCalls, dialogs, transactions, transactionsWaiting, timers, ring, messagesIn, messagesOut, drops,
            overload, security, tcp, trunks, Hep.none());
    }

    /** Without trunk counts (tests of other parts): none. */
    public StatusSnapshot(final long activeCalls, final long dialogs, final long transactions,
        final long transactionsWaiting, final long timers, final RingStatus ring, final MessageCounts messagesIn,
        final MessageCounts messagesOut, final Drops drops, final Overload overload, final Security security,
        final Tcp tcp)
    {
        this(activeCalls, dialogs, transactions, transactionsWaiting, timers, ring, messagesIn, messagesOut, drops,
            overload, security, tcp, Trunks.none());
    }

    /** The form before the border existed (tests): security and TCP counts zero. */
    public StatusSnapshot(final long activeCalls, final long dialogs, final long transactions,
        final long transactionsWaiting, final long timers, final RingStatus ring, final MessageCounts messagesIn,
        final MessageCounts messagesOut, final Drops drops, final Overload overload)
    {
        this(activeCalls, dialogs, transactions, transactionsWaiting, timers, ring, messagesIn, messagesOut, drops,
            overload, new Security(0, 0, 0, 0, 0), new Tcp(0, 0, 0, 0, 0, 0, 0, 0));
    }

    /** A snapshot of an idle node with the given ring sizes, everything else zero. */
    public static StatusSnapshot idle(final int inboundSize, final int outboundSize)
    {
        return new StatusSnapshot(
            0, 0, 0, 0, 0,
            new RingStatus(inboundSize, inboundSize, outboundSize, outboundSize),
            MessageCounts.none(),
            MessageCounts.none(),
            new Drops(0, 0, 0, 0, 0, 0, 0, 0),
            new Overload(0, 0, 0, 0, 0, 0, 0),
            new Security(0, 0, 0, 0, 0),
            new Tcp(0, 0, 0, 0, 0, 0, 0, 0),
            Trunks.none(),
            Hep.none(),
            Map.of(),
            Provisionals.none());
    }

    /**
     * @param sent    HEP packets handed to the collector's socket.
     * @param dropped captured messages not sent because capture could not keep up or reach the collector: the capture
     *                ring was full, the TCP collector was not connected, or its socket buffer was full.
     * @param errors  messages not sent because the socket failed (UDP port unreachable, TCP reset) or the message
     *                did not fit a HEP packet.
     */
    public record Hep(long sent, long dropped, long errors)
    {
        public static Hep none()
        {
            return new Hep(0, 0, 0);
        }
    }

    /** Free slots and capacity of each ring (Disruptor {@code remainingCapacity()} and {@code getBufferSize()}). */
    public record RingStatus(long inboundRemaining, long inboundSize, long outboundRemaining, long outboundSize)
    {
    }

    /**
     * @param requests  by method name ("INVITE"); sorted so the JSON is stable.
     * @param responses by status code (200); sorted so the JSON is stable.
     */
    public record MessageCounts(Map<String, Long> requests, Map<Integer, Long> responses)
    {
        public MessageCounts
        {
            requests = java.util.Collections.unmodifiableMap(new TreeMap<>(requests));
            responses = java.util.Collections.unmodifiableMap(new TreeMap<>(responses));
        }

        public static MessageCounts none()
        {
            return new MessageCounts(Map.of(), Map.of());
        }
    }

    /**
     * @param inboundFull  received messages dropped because the inbound ring was full.
     * @param outboundFull messages not sent because the outbound ring was full.
     * @param overload503  requests answered 503 because of overload.
     * @param malformed    messages that could not be parsed.
     * @param unexpected   inputs a state machine had no move for (a straggler response, a late webhook answer) and
     *                     moves it refused: ignored, nothing changed. Stray ACKs count here too.
     * @param journalRefused inputs not applied because the journal could not append them (requests got 503): an
     *                     alarm, the journal's disk is failing.
     * @param transactionLimit requests answered 503 because {@code sip.max-transactions} server transactions were
     *                     held: the engine's state is at its bound.
     * @param callLimit    new calls answered 503 because {@code sip.max-calls} calls were up (calls admission let
     *                     through, refused by the engine's bound on its state).
     */
    public record Drops(long inboundFull, long outboundFull, long overload503, long malformed, long journalRefused,
        long unexpected, long transactionLimit, long callLimit)
    {
    }

    /**
     * @param admitted new calls (INVITE without To tag) let through to the engine.
     * @param shed     new calls answered 503 with Retry-After on receive, because the engine lagged or its ring filled.
     * @param absorbed request retransmissions dropped on receive because their first copy was still queued.
     * @param backlog  inputs waiting for the engine now.
     * @param lagMs    age of the oldest of them, now.
     * @param plannedPauses  planned pauses of the engine ended (journal snapshots), which shed nothing by their lag.
     * @param plannedPauseMs their time in all.
     */
    public record Overload(long admitted, long shed, long absorbed, long backlog, long lagMs, long plannedPauses,
        long plannedPauseMs)
    {
    }

    /**
     * @param unknownRejected requests from sources in no trunk answered 403.
     * @param unknownDropped  messages from sources in no trunk dropped (responses, ACKs, {@code drop}, unanswerable
     *                        requests) and TCP connections from them closed at once under {@code drop}.
     * @param floodDropped    requests dropped by flood control.
     * @param blockedSources  blocks flood control started (a source blocked twice counts twice).
     * @param responsesFromElsewhere responses whose branch matched a request of Referee's but that came from another
     *                        host than the one the request went to: dropped.
     */
    public record Security(long unknownRejected, long unknownDropped, long floodDropped, long blockedSources,
        long responsesFromElsewhere)
    {
    }

    /**
     * @param connectionsOpen    TCP connections open now, accepted and opened by Referee.
     * @param connectionsRefused accepted and closed at once because {@code tcp.max-connections} were open.
     * @param bufferOverflows    closed because a message did not fit the read buffer.
     * @param idleClosed         closed after {@code tcp.idle-timeout}.
     * @param readTimeouts       closed because a message (or a TLS handshake) stayed incomplete for
     *                           {@code tcp.read-timeout}.
     * @param tlsFailed          TLS connections closed on a TLS error: not TLS, a failed handshake (a certificate
     *                           that does not verify), a corrupt record.
     * @param connectFailures    connections Referee opened that failed (refused, reset, TLS failed): the requests
     *                           sent on each failed at once (a route's next target tried).
     * @param heldForRing        messages (dialogs' requests, ACKs, responses) that found the inbound ring full and
     *                           waited on their connection for a slot, the connection unread meanwhile.
     */
    public record Tcp(long connectionsOpen, long connectionsRefused, long bufferOverflows, long idleClosed,
        long readTimeouts, long tlsFailed, long connectFailures, long heldForRing)
    {
    }

    /**
     * One trunk's call policy counts (the default trunk, "default", holds sources in no trunk).
     *
     * @param calls            calls counted against the trunk now (a call counts against its caller leg's trunk).
     * @param routeRefused     new INVITEs answered 403: a route not in {@code trunks[].routes}.
     * @param callLimitRefused new INVITEs answered 503: {@code limits.calls} calls were up.
     * @param rateRefused      new INVITEs answered 503: {@code limits.cps} spent.
     * @param replacesRefused  INVITEs or REFERs whose Replaces named a dialog the requester may not replace: 403.
     * @param authChallenged   INVITEs and REFERs answered 407 by {@code trunks[].auth} (first requests included).
     * @param authFailed       of those, the ones whose credentials did not verify (wrong user, password or nonce).
     */
    public record TrunkCalls(long calls, long routeRefused, long callLimitRefused, long rateRefused,
        long replacesRefused, long authChallenged, long authFailed)
    {
        /** Without authentication counts (a trunk without {@code auth}). */
        public TrunkCalls(final long calls, final long routeRefused, final long callLimitRefused,
            final long rateRefused, final long replacesRefused)
        {
            this(calls, routeRefused, callLimitRefused, rateRefused, replacesRefused, 0, 0);
        }
    }

    /**
     * @param byName per trunk, in configuration order (a fixed list: the configuration's trunks and "default").
     */
    public record Trunks(Map<String, TrunkCalls> byName)
    {
        public Trunks
        {
            byName = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(byName));
        }

        public static Trunks none()
        {
            return new Trunks(Map.of());
        }

        /** The sum over every trunk. */
        public TrunkCalls total()
        {
            long calls = 0;
            long route = 0;
            long limit = 0;
            long rate = 0;
            long replaces = 0;
            long challenged = 0;
            long failed = 0;
            for (final TrunkCalls trunk : byName.values())
            {
                calls += trunk.calls();
                route += trunk.routeRefused();
                limit += trunk.callLimitRefused();
                rate += trunk.rateRefused();
                replaces += trunk.replacesRefused();
                challenged += trunk.authChallenged();
                failed += trunk.authFailed();
            }
            return new TrunkCalls(calls, route, limit, rate, replaces, challenged, failed);
        }
    }
}
