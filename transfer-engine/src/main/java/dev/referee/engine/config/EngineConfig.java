package dev.referee.engine.config;

import dev.referee.config.ListenAddress;
import dev.referee.engine.id.IdKey;
import dev.referee.transport.Transport;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the engine needs from the configuration, in engine units (nanoseconds).
 *
 * @param listen     every listening address: Via and Contact name the one of the transport and the address family
 *                   of the peer.
 * @param seed       seed of the generator of format version 1 journals (SplitMix64, predictable), used only when
 *                   {@code idKey} is null: to replay or recover such a journal exactly. 0 otherwise.
 * @param idKey      secret key of the identifier PRF (SipHash-2-4 over a counter, see {@link IdGenerator}): the same
 *                   key and inputs give the same tags, branches and Call-IDs. Null only for a version 1 journal.
 * @param transfer   transfer settings (accept status, timeouts, what to do when the target fails).
 * @param redirect   how many 3xx Contacts are followed.
 * @param trunks     transfer policy per source address.
 * @param webhook    how long a transfer waits for its webhook before the trunk policy decides.
 * @param maxTransactions server transactions held at once ({@code sip.max-transactions}, see {@link SipConfig}).
 * @param behaviour the node-start record version whose wire behaviour the engine follows: {@link #BEHAVIOUR} for a
 *                   new journal; a journal started by an older build replays with the behaviour of its own version,
 *                   so that it replays exactly (see {@link #headerPolicy()} and {@link #carriesMaxForwards()}).
 * @param sessionExpiresS {@code sip.session-expires} ({@link SipConfig}): the session interval Referee asks for.
 * @param minSeS    {@code sip.min-se}: the least session interval Referee accepts.
 * @param media     the {@code media} section: whether the engine anchors media in the relay, where, on which ports
 *                  (node-start version 7 on; older journals replay with it off, as they were made).
 */
public record EngineConfig(
    List<ListenAddress> listen,
    List<Route> routes,
    long t1Ns,
    long t2Ns,
    long t4Ns,
    int maxCalls,
    String userAgent,
    long seed,
    IdKey idKey,
    TransferConfig transfer,
    RedirectConfig redirect,
    List<TrunkConfig> trunks,
    WebhookConfig webhook,
    int maxTransactions,
    int behaviour,
    int sessionExpiresS,
    int minSeS,
    MediaConfig media)
{
    /** The behaviour of today's builds, written as the node-start record version of a new journal. */
    public static final int BEHAVIOUR = 11;

    /** Media off (SDP passes through but for o=): every configuration made before the media section existed. */
    public EngineConfig(
        final List<ListenAddress> listen,
        final List<Route> routes,
        final long t1Ns,
        final long t2Ns,
        final long t4Ns,
        final int maxCalls,
        final String userAgent,
        final long seed,
        final IdKey idKey,
        final TransferConfig transfer,
        final RedirectConfig redirect,
        final List<TrunkConfig> trunks,
        final WebhookConfig webhook,
        final int maxTransactions,
        final int behaviour,
        final int sessionExpiresS,
        final int minSeS)
    {
        this(listen, routes, t1Ns, t2Ns, t4Ns, maxCalls, userAgent, seed, idKey, transfer, redirect, trunks, webhook,
            maxTransactions, behaviour, sessionExpiresS, minSeS, MediaConfig.defaults());
    }

    /** With the default session timer settings (and those of a journal from before they were recorded). */
    public EngineConfig(
        final List<ListenAddress> listen,
        final List<Route> routes,
        final long t1Ns,
        final long t2Ns,
        final long t4Ns,
        final int maxCalls,
        final String userAgent,
        final long seed,
        final IdKey idKey,
        final TransferConfig transfer,
        final RedirectConfig redirect,
        final List<TrunkConfig> trunks,
        final WebhookConfig webhook,
        final int maxTransactions,
        final int behaviour)
    {
        this(listen, routes, t1Ns, t2Ns, t4Ns, maxCalls, userAgent, seed, idKey, transfer, redirect, trunks, webhook,
            maxTransactions, behaviour, SipConfig.DEFAULT_SESSION_EXPIRES_S, SipConfig.DEFAULT_MIN_SE_S);
    }

    /** With {@code max-transactions} at its default for {@code maxCalls}, and the behaviour of today. */
    public EngineConfig(
        final List<ListenAddress> listen,
        final List<Route> routes,
        final long t1Ns,
        final long t2Ns,
        final long t4Ns,
        final int maxCalls,
        final String userAgent,
        final long seed,
        final IdKey idKey,
        final TransferConfig transfer,
        final RedirectConfig redirect,
        final List<TrunkConfig> trunks,
        final WebhookConfig webhook)
    {
        this(listen, routes, t1Ns, t2Ns, t4Ns, maxCalls, userAgent, seed, idKey, transfer, redirect, trunks, webhook,
            SipConfig.defaultMaxTransactions(maxCalls), BEHAVIOUR);
    }

    /** A configuration of today's journals: identifiers from {@code idKey}, no version 1 seed. */
    public EngineConfig(
        final List<ListenAddress> listen,
        final List<Route> routes,
        final long t1Ns,
        final long t2Ns,
        final long t4Ns,
        final int maxCalls,
        final String userAgent,
        final IdKey idKey,
        final TransferConfig transfer,
        final RedirectConfig redirect,
        final List<TrunkConfig> trunks,
        final WebhookConfig webhook)
    {
        this(listen, routes, t1Ns, t2Ns, t4Ns, maxCalls, userAgent, 0, idKey, transfer, redirect, trunks, webhook);
    }

    /** With the default webhook timeout. */
    public EngineConfig(
        final List<ListenAddress> listen,
        final List<Route> routes,
        final long t1Ns,
        final long t2Ns,
        final long t4Ns,
        final int maxCalls,
        final String userAgent,
        final IdKey idKey,
        final TransferConfig transfer,
        final RedirectConfig redirect,
        final List<TrunkConfig> trunks)
    {
        this(listen, routes, t1Ns, t2Ns, t4Ns, maxCalls, userAgent, idKey, transfer, redirect, trunks,
            WebhookConfig.defaults());
    }

    /** With the default transfer, redirect and trunk settings. */
    public EngineConfig(
        final List<ListenAddress> listen,
        final List<Route> routes,
        final long t1Ns,
        final long t2Ns,
        final long t4Ns,
        final int maxCalls,
        final String userAgent,
        final IdKey idKey)
    {
        this(listen, routes, t1Ns, t2Ns, t4Ns, maxCalls, userAgent, idKey, TransferConfig.defaults(),
            RedirectConfig.defaults(), List.of());
    }

    public EngineConfig
    {
        listen = List.copyOf(listen);
        trunks = List.copyOf(trunks);
        if (listen.isEmpty())
        {
            throw new IllegalArgumentException("no listen address");
        }
        if (maxTransactions < 1)
        {
            throw new IllegalArgumentException("maxTransactions must be > 0: " + maxTransactions);
        }
        if (media == null)
        {
            media = MediaConfig.defaults();
        }
        if (minSeS < SipConfig.DEFAULT_MIN_SE_S || sessionExpiresS < minSeS)
        {
            throw new IllegalArgumentException("session timers need 90 <= min-se <= session-expires: " + minSeS +
                ", " + sessionExpiresS);
        }
    }

    /**
     * What crosses between legs follows docs/security.md "What crosses" (the allow-list, trust, one User-Agent or
     * Server of Referee's own) and Referee writes each leg's SDP o= line. False only for a journal whose node-start
     * predates the trunks' header policies (version below 3): its calls replay as they were made, every end-to-end
     * header copied and no Server.
     */
    public boolean headerPolicy()
    {
        return behaviour >= 3;
    }

    /**
     * An INVITE Referee originates for a call carries the Max-Forwards of the request that triggered it, less one
     * (the caller's INVITE for a redirect, the REFER for a transfer target or a recall; RFC 7332), so that a loop
     * ends with 483. Before node-start version 4 such INVITEs started again at 70.
     */
    public boolean carriesMaxForwards()
    {
        return behaviour >= 4;
    }

    /**
     * Every leg a call gets beyond its caller and callee is reported (EngineEvents.onLegAdded), so that the journal
     * tools show a transfer target's, a recall's or a pickup's messages with the call. Events are compared on replay:
     * a journal from before node-start version 4 replays without them, as it was made.
     */
    public boolean namesEveryLeg()
    {
        return behaviour >= 4;
    }

    /**
     * A SUBSCRIBE for the implicit subscription of a REFER Referee performs is answered by Referee (refresh, or
     * Expires: 0 with a final NOTIFY), also after the transferor's BYE (RFC 5057: the subscription outlives it).
     * Before node-start version 4 it was relayed to the other party, or answered 481 once the dialog had ended.
     */
    public boolean answersReferSubscriptions()
    {
        return behaviour >= 4;
    }

    /**
     * Require and Proxy-Require naming only option tags Referee implements (replaces, norefersub: OptionTags) are
     * accepted; before node-start version 4 any Require got 420.
     */
    public boolean acceptsKnownOptionTags()
    {
        return behaviour >= 4;
    }

    /**
     * A BYE from a transfer's target before the join completed ends only the target's leg and fails the transfer;
     * before node-start version 4 it released the whole call (an engine fuzz finding: a call left never released).
     */
    public boolean targetByeEndsOnlyItsLeg()
    {
        return behaviour >= 4;
    }

    /**
     * A redirect's {@code sips:} Contact, or {@code ;transport=tls}, is followed over TLS (port 5061 by default).
     * Before node-start version 6 Referee had no TLS: such a Contact was followed over UDP.
     */
    public boolean speaksTls()
    {
        return behaviour >= 6;
    }

    /**
     * RFC 6026 §7.1 over every transport: an INVITE server transaction that sent a 2xx stays Accepted for Timer L
     * (64*T1) and absorbs the INVITE if it comes again (a stateless proxy in front relays a UDP caller's
     * retransmissions over TCP too). Before node-start version 5 only UDP transactions did; over TCP such an INVITE
     * set up a second call.
     */
    public boolean absorbsInviteRetransmissionsAfter2xx()
    {
        return behaviour >= 5;
    }

    /**
     * RFC 6026 §7.2: an INVITE client transaction that received a 2xx stays Accepted for Timer M (64*T1) and passes
     * every further 2xx (retransmitted, or from another fork) to the dialog layer. Before node-start version 5 it
     * ended with the first 2xx and later ones were strays.
     */
    public boolean keepsInviteClientTransactionsAccepted()
    {
        return behaviour >= 5;
    }

    /**
     * A 2xx to Referee's INVITE from another fork (another To tag than the dialog the first 2xx made) is acknowledged
     * and released at once with BYE (RFC 3261 §13.2.2.4); early dialogs of several forks are tracked and the losers
     * dropped on the first 2xx. Before node-start version 5 such a 2xx got the first dialog's ACK, or nothing.
     */
    public boolean releasesForkedAnswers()
    {
        return behaviour >= 5;
    }

    /**
     * A request without To tag whose From, Call-ID and CSeq are those of a transaction under way but whose branch is
     * not (the same request reaching Referee by two paths: RFC 3261 §8.2.2.2) gets 482 Loop Detected. Before
     * node-start version 5 it was taken for a new request: a second call.
     */
    public boolean answersMergedRequests()
    {
        return behaviour >= 5;
    }

    /**
     * This configuration with {@code from}'s reloadable parts (routes, call and transaction limits, transfer, redirect,
     * trunks, webhook, the session timer settings for new sessions): what a reload gives a running engine, which keeps
     * its listen addresses, timers, User-Agent, identifier key and behaviour.
     */
    public EngineConfig withReloadable(final EngineConfig from)
    {
        return new EngineConfig(listen, from.routes, t1Ns, t2Ns, t4Ns, from.maxCalls, userAgent, seed, idKey,
            from.transfer, from.redirect, from.trunks, from.webhook, from.maxTransactions, behaviour, from.sessionExpiresS,
            from.minSeS, media);
    }

    /** This configuration with the {@code media} section {@code next}. */
    public EngineConfig withMedia(final MediaConfig next)
    {
        return new EngineConfig(listen, routes, t1Ns, t2Ns, t4Ns, maxCalls, userAgent, seed, idKey, transfer, redirect,
            trunks, webhook, maxTransactions, behaviour, sessionExpiresS, minSeS, next);
    }

    /**
     * Media is anchored in the relay ({@code media.enabled}, node-start version 7 on): each leg gets RTP/RTCP ports
     * and the SDP sent on it names them (docs/media.md). Off, SDP passes through but for o=, as before.
     */
    public boolean anchorsMedia()
    {
        return behaviour >= 7 && media.enabled();
    }

    /**
     * Media anchored, node-start version 9 on: the INVITE a transfer sends to its target (or to a recalled transferor)
     * offers the transferee's last SDP, made a fresh sendrecv offer toward the target's own relay ports, instead of
     * going without offer; the target's 183 with SDP is then its answer and the transferee hears the target's early
     * media at once (the ringback tone stops), the join re-INVITEs the transferee with the target's answer, and the
     * target's ACK carries no body. A 488 to that offer falls back to the INVITE without offer (docs/media.md).
     */
    public boolean offersTransfereeMediaToTarget()
    {
        return behaviour >= 9 && anchorsMedia();
    }

    /**
     * Media anchored, node-start version 9 on: the transferee of a blonde transfer (REFER with Replaces of a
     * consultation still ringing) hears ringback until the target answers, as in a blind transfer; before, it heard
     * whatever its transferor sent (the consultation's own ringing reaches the transferor only).
     */
    public boolean ringsBackInBlondeTransfers()
    {
        return behaviour >= 9;
    }

    /**
     * Node-start version 10 on: a retransmission (Timers A, E, G, a 2xx's, a reliable provisional's) is scheduled
     * from the deadline of the timer that sent the one before, not from the engine's time when it fired, so that the
     * timers a stall held back do not go on firing together (EngineTimers.scheduleRetransmission). Journals made
     * before replay their retransmissions at the times they were sent.
     */
    public boolean retransmitsFromDeadline()
    {
        return behaviour >= 10;
    }

    /**
     * Node-start version 11 on: a transaction that only waits out a timer after its final response (Timer J or L of a
     * server transaction, M, D or K of a client transaction) is kept as a row of a table, not as an object with a
     * timer; the snapshot (version 5) holds the rows. What goes on the wire is the same; the timers the wheel holds, and so their ids and order, are not, so
     * journals made before replay with the objects.
     */
    public boolean keepsWaitingTransactionsAsRows()
    {
        return behaviour >= 11;
    }

    /**
     * Null when a running engine built with {@code running} may take this configuration by a reload; else the first
     * key whose change needs a restart: the listen addresses (Via, Contact and SDP origins are made from them), the SIP
     * timers (transactions under way run on them), the User-Agent, the identifier key and the behaviour (a journal's
     * replay depends on all of these being those of its node-start).
     */
    public String reloadableFrom(final EngineConfig running)
    {
        if (!listen.equals(running.listen))
        {
            return "listen";
        }
        if (t1Ns != running.t1Ns)
        {
            return "sip.t1-ms";
        }
        if (t2Ns != running.t2Ns)
        {
            return "sip.t2-ms";
        }
        if (t4Ns != running.t4Ns)
        {
            return "sip.t4-ms";
        }
        if (!java.util.Objects.equals(userAgent, running.userAgent))
        {
            return "sip.user-agent";
        }
        if (sessionExpiresS != running.sessionExpiresS)
        {
            return "sip.session-expires";
        }
        if (minSeS != running.minSeS)
        {
            return "sip.min-se";
        }
        if (!media.equals(running.media))
        {
            return "media";
        }
        if (seed != running.seed || !java.util.Objects.equals(idKey, running.idKey) || behaviour != running.behaviour)
        {
            return "journal";
        }
        return null;
    }

    /**
     * A 491 to the re-INVITE that joins a transfer's transferee (glare: the transferee's own re-INVITE crossed it) is
     * retried after RFC 3261 §14.1's random delay instead of failing the transfer; before node-start version 5 the
     * transfer failed with 491.
     */
    public boolean retriesGlaredJoin()
    {
        return behaviour >= 5;
    }

    /**
     * The snapshot carries the state of version 5 (the route targets' keepalive and each call's targets still to try,
     * the legs accepting from-change); an older journal has none of it, and its snapshots are read without.
     */
    public boolean snapshotsVersion5State()
    {
        return behaviour >= 5;
    }

    /**
     * The re-INVITE that joins a transferee on a trusted trunk to its target carries the target's identity in
     * P-Asserted-Identity (RFC 3325), so that the phone shows whom it now talks to; before node-start version 5 it
     * carried none.
     */
    public boolean assertsTargetToTransferee()
    {
        return behaviour >= 5;
    }

    /**
     * When the transferee of an attended transfer hangs up before the join, the transferor's consultation call goes on
     * as it was; before node-start version 5 its INVITE or dialog to the target was given up too, which could leave the
     * consultation call never released.
     */
    public boolean keepsConsultationWhenTransfereeLeaves()
    {
        return behaviour >= 5;
    }

    /**
     * A transfer target's leg dropped while its INVITE is under way (its call ended under the transfer) gives that
     * INVITE up: CANCEL after a provisional, else when one comes, and a 2xx is acknowledged and hung up. Before
     * node-start version 5 the INVITE stayed the transfer's, whose target answer could join a call already ended.
     */
    public boolean givesUpTargetInvitesOfDroppedLegs()
    {
        return behaviour >= 5;
    }

    /**
     * Session timers (RFC 4028) on each leg: Referee offers them on its INVITEs and 2xx, refuses an interval below its
     * Min-SE with 422, refreshes a leg it is the refresher of, and ends a call whose refresh does not come. Before
     * node-start version 5 Session-Expires was ignored and Require: timer got 420.
     */
    public boolean sessionTimers()
    {
        return behaviour >= 5;
    }

    /**
     * A takeover re-INVITE (INVITE with Replaces) the picked-up call's peer never answers ends the takeover: 408 to the
     * picker, the peer hung up; before node-start version 5 the picker's INVITE was never answered.
     */
    public boolean answersTakeoverTimeouts()
    {
        return behaviour >= 5;
    }

    /**
     * An answer to a transfer's join re-INVITE that comes after the call ended under it (its legs dropped) completes
     * nothing; before node-start version 5 it made a call of the two dead legs that nothing released.
     */
    public boolean ignoresTheJoinOfAnEndedCall()
    {
        return behaviour >= 5;
    }

    /**
     * Reliable provisional responses (RFC 3262, 100rel/PRACK) on each leg: Referee's INVITEs say Supported: 100rel, a
     * callee's reliable 18x gets Referee's PRACK, the 18x relayed to a caller that supports 100rel go reliably (RSeq,
     * retransmitted until its PRACK, 5xx when none comes), and Require: 100rel is accepted. Before node-start version 6
     * provisionals were relayed as they came and Require: 100rel got 420. The snapshot carries their state from 6 on.
     */
    public boolean reliableProvisionals()
    {
        return behaviour >= 6;
    }

    /**
     * A CANCEL of a takeover's INVITE (INVITE with Replaces of an answered call) ends the takeover: the picker's leg
     * leaves with its 487, the picked-up call's peer, alone since the replaced leg was hung up, is hung up too, and a
     * 2xx to the takeover re-INVITE is still acknowledged. Before node-start version 6 the CANCEL was taken for a
     * re-INVITE's: the picker's leg stayed in the call, and a call of the peer alone could stay for good (an engine fuzz
     * finding).
     */
    public boolean endsCancelledTakeovers()
    {
        return behaviour >= 6;
    }

    /**
     * A leg dropped with an INVITE of its peer still unanswered (a pickup's INVITE whose call ended before the
     * takeover was answered, a re-INVITE under way when the call ends) answers it 487 (RFC 3261 §15.1.2). Before
     * node-start version 7 the INVITE stayed unanswered and its server transaction held for good (an engine fuzz
     * finding).
     */
    public boolean answersPendingInvitesOfDroppedLegs()
    {
        return behaviour >= 7;
    }

    /**
     * The ACK a transfer owes its target (held until the transferee answers the join: an attended transfer's target
     * re-INVITEd without offer) is the transfer's: a late ACK from the target's other party in the consultation call
     * is not relayed into it. Before node-start version 7 it was, and the join then sent a second ACK with CSeq -1 (an
     * engine fuzz finding). Snapshots of version 7 on list the legs whose ACK a transfer holds.
     */
    public boolean keepsTransfersAcks()
    {
        return behaviour >= 7;
    }

    /**
     * A call takes part in one transfer at a time: a REFER in a call whose dialog another transfer's Replaces names
     * (RFC 3891), or whose Replaces names a dialog of a call in a transfer, gets 491 before it is accepted; and no
     * second INVITE of Referee's goes to a confirmed leg with one under way (RFC 3261 §14.1): a takeover whose peer, or
     * an attended transfer whose target, has one gets 491 too (an engine fuzz finding: a takeover of a transfer's
     * consultation re-INVITEd the target while the transfer was asking it for an offer). Before
     * node-start version 8 crossed attended transfers (each phone REFERs the other's call with Replaces of its own
     * dialog) both went on over the same legs and a leg could end up in two calls, one never released (an engine fuzz
     * finding).
     */
    public boolean keepsOneTransferPerCall()
    {
        return behaviour >= 8;
    }

    /**
     * Media anchored: a relay endpoint that could not be opened (input-media-open-failed) fails its call, cause
     * media-failed, and a port pair another process holds leaves the pool for good; the snapshot's media section then
     * lists those pairs. Node-start version 8 on (before, the report was not an input).
     */
    public boolean failsCallsWhoseMediaCannotOpen()
    {
        return behaviour >= 8;
    }

    /**
     * A callee's 422 (Session Interval Too Small, RFC 4028 §7.4 and §8.1) is not relayed: Referee sends its INVITE to
     * the same callee again with Session-Expires and Min-SE raised to the 422's Min-SE, at most twice per call. Before
     * node-start version 6 the 422 went to the caller. The snapshot carries each call's raised interval from 6 on.
     */
    public boolean retriesIntervalTooSmall()
    {
        return behaviour >= 6;
    }

    /**
     * A call none of whose legs is left (each terminated, no BYE of it outstanding) ends at the end of the input that
     * took its last party, with its trunk count, its transfer and its pickup state. Before node-start version 6 such a
     * call stayed when no path of the engine released it (an engine fuzz finding: a transferor's BYE absorbed by a
     * transfer whose transferee a takeover had replaced).
     */
    public boolean endsCallsNobodyIsLeftIn()
    {
        return behaviour >= 6;
    }

    /**
     * A recalled transferor that hangs up, or fails, after answering (during the join) ends the transfer and the
     * transferee is hung up; before node-start version 6 its failure was taken for the target's and it was called
     * back again, and again (seen under load in `referee demo`).
     */
    public boolean recallsOnce()
    {
        return behaviour >= 6;
    }

    public long webhookTimeoutNs()
    {
        return TimeUnit.MILLISECONDS.toNanos(webhook.timeoutMs());
    }

    public long transferRingTimeoutNs()
    {
        return TimeUnit.MILLISECONDS.toNanos(transfer.ringTimeoutMs());
    }

    public long transferorByeTimeoutNs()
    {
        return TimeUnit.MILLISECONDS.toNanos(transfer.transferorByeTimeoutMs());
    }

    /**
     * The address to advertise toward a peer over {@code transport} in family {@code ipv6}: the first listener that
     * matches both, else one of the same transport, else the first listener.
     */
    public InetSocketAddress localAddress(final int transport, final boolean ipv6)
    {
        ListenAddress sameTransport = null;
        for (final ListenAddress candidate : listen)
        {
            if (candidate.transport() == transport)
            {
                if ((candidate.address().getAddress() instanceof Inet6Address) == ipv6)
                {
                    return candidate.address();
                }
                if (sameTransport == null)
                {
                    sameTransport = candidate;
                }
            }
        }
        return sameTransport != null ? sameTransport.address() : listen.get(0).address();
    }
}
