package dev.referee.engine.call;

import dev.referee.config.AddressSyntax;
import dev.referee.engine.config.RouteTarget;
import dev.referee.engine.message.StoredMessage;
import dev.referee.engine.snapshot.ObjectVisitor;
import dev.referee.engine.snapshot.SnapshotException;
import dev.referee.engine.snapshot.SnapshotKinds;
import dev.referee.engine.snapshot.SnapshotReader;
import dev.referee.engine.snapshot.SnapshotRefs;
import dev.referee.engine.snapshot.SnapshotWriter;
import dev.referee.engine.transaction.ClientTransaction;
import dev.referee.engine.transaction.ServerTransaction;
import dev.referee.transport.Addresses;
import org.agrona.collections.LongHashSet;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes and restores the B2BUA's state for {@code dev.referee.engine.snapshot}: calls and legs, with every field, and
 * the id counters (transfers and REFERs waiting for their webhook: {@code TransferSnapshots}). Lives here because
 * the fields are package-private. Engine thread only.
 */
public final class CallSnapshots
{
    private CallSnapshots()
    {
    }

    /** {@link SnapshotKinds} of {@code object} when it belongs to this package; 0 otherwise. */
    public static int kindOf(final Object object)
    {
        if (object instanceof Call)
        {
            return SnapshotKinds.CALL;
        }
        return object instanceof Leg ? SnapshotKinds.LEG : 0;
    }

    /** The legs the B2BUA knows, by id (hash order would differ between two equal engines). */
    public static List<Object> legs(final B2bua b2bua)
    {
        final List<Leg> legs = new ArrayList<>(b2bua.calls().legs().values());
        legs.sort(Comparator.comparingLong(leg -> leg.id));
        return new ArrayList<>(legs);
    }

    public static void holdLeg(final B2bua b2bua, final Object leg)
    {
        final Leg restored = cast(leg, Leg.class);
        b2bua.calls().legs().put(restored.id, restored);
    }

    /**
     * Once every leg is held: each leg's offer/answer state, derived from what the snapshot holds (it is not in the
     * format, see {@link OfferAnswerRestore}).
     */
    public static void restoreOfferAnswer(final B2bua b2bua)
    {
        OfferAnswerRestore.restore(b2bua.calls().legs().values());
    }

    public static void writeCounters(final B2bua b2bua, final SnapshotWriter out)
    {
        out.writeLong(b2bua.calls().nextLegId());
        out.writeLong(b2bua.calls().nextCallId());
        out.writeInt(b2bua.calls().callCount());
    }

    public static void readCounters(final B2bua b2bua, final SnapshotReader in)
    {
        final long nextLegId = in.readLong();
        final long nextCallId = in.readLong();
        b2bua.calls().restoreCounters(nextLegId, nextCallId, in.readInt());
    }

    /** The trunks' token buckets (snapshot version 2): the only trunk state no call carries. */
    public static void writeTrunkBuckets(final B2bua b2bua, final SnapshotWriter out)
    {
        b2bua.admission().writeBuckets(out);
    }

    public static void readTrunkBuckets(final B2bua b2bua, final SnapshotReader in)
    {
        b2bua.admission().readBuckets(in);
    }

    /**
     * Each leg's SDP origin version and the hash of what it last sent (SdpOrigin), by leg id, appended at the end of
     * a version 2 snapshot only by an engine that writes its own o= lines (node-start version 3 on, the header policy's
     * switch): snapshots of older journals keep the layout they were recorded with. The session id is derived from
     * the leg id and not written.
     */
    public static void writeSdpOrigins(final B2bua b2bua, final SnapshotWriter out)
    {
        if (!b2bua.config().headerPolicy())
        {
            return;
        }
        final List<Object> legs = legs(b2bua);
        out.writeInt(legs.size());
        for (int i = 0; i < legs.size(); i++)
        {
            final Leg leg = (Leg)legs.get(i);
            out.writeLong(leg.id);
            out.writeInt(leg.sdpVersion);
            out.writeInt(leg.sdpHash);
        }
    }

    public static void readSdpOrigins(final B2bua b2bua, final SnapshotReader in)
    {
        if (!b2bua.config().headerPolicy())
        {
            return;
        }
        final int count = in.readInt();
        for (int i = 0; i < count; i++)
        {
            final long id = in.readLong();
            final Leg leg = b2bua.calls().legs().get(id);
            if (leg == null)
            {
                throw new SnapshotException("SDP origin of leg " + id + ", which the snapshot does not hold");
            }
            leg.sdpVersion = in.readInt();
            leg.sdpHash = in.readInt();
        }
    }

    /**
     * Each call's Max-Forwards (Call.maxForwards), by call id, appended after the nonces only by an engine that carries
     * Max-Forwards (node-start version 4 on): snapshots of older journals keep the layout they were recorded with.
     */
    /**
     * Node-start version 5 on: the keepalive state of each route target, then each call's route targets still to try
     * (call id, count, then transport, address as host:port, priority, weight of each).
     */
    public static void writeRouteTargets(final B2bua b2bua, final SnapshotWriter out)
    {
        if (!b2bua.config().snapshotsVersion5State())
        {
            return;
        }
        b2bua.health().write(out);
        final List<Call> withAlternates = new ArrayList<>();
        for (final Call call : calls(b2bua))
        {
            if (call.hasAlternates())
            {
                withAlternates.add(call);
            }
        }
        out.writeInt(withAlternates.size());
        for (final Call call : withAlternates)
        {
            out.writeLong(call.id);
            out.writeInt(call.alternates.size());
            for (final RouteTarget target : call.alternates)
            {
                out.writeByte(target.transport());
                out.writeString(Addresses.hostPort(target.address()));
                out.writeInt(target.priority());
                out.writeInt(target.weight());
            }
        }
    }

    /** Node-start version 5 on: the ids of the legs whose peer accepts a changed From (RFC 4916). */
    public static void writeLegOptions(final B2bua b2bua, final SnapshotWriter out)
    {
        if (!b2bua.config().snapshotsVersion5State())
        {
            return;
        }
        final List<Long> fromChange = new ArrayList<>();
        for (final Object leg : legs(b2bua))
        {
            if (((Leg)leg).fromChange)
            {
                fromChange.add(((Leg)leg).id);
            }
        }
        out.writeInt(fromChange.size());
        fromChange.forEach(out::writeLong);
    }

    public static void readLegOptions(final B2bua b2bua, final SnapshotReader in)
    {
        if (!b2bua.config().snapshotsVersion5State())
        {
            return;
        }
        final int count = in.readInt();
        for (int i = 0; i < count; i++)
        {
            final Leg leg = b2bua.calls().legs().get(in.readLong());
            if (leg == null)
            {
                throw new SnapshotException("from-change of a leg the snapshot does not have");
            }
            leg.fromChange = true;
        }
    }

    /** The legs whose owed ACK a transfer holds (EngineConfig.keepsTransfersAcks). */
    public static void writeHeldAcks(final B2bua b2bua, final SnapshotWriter out)
    {
        if (!b2bua.config().keepsTransfersAcks())
        {
            return;
        }
        final List<Long> held = new ArrayList<>();
        for (final Object leg : legs(b2bua))
        {
            if (((Leg)leg).ackHeldByTransfer)
            {
                held.add(((Leg)leg).id);
            }
        }
        out.writeInt(held.size());
        held.forEach(out::writeLong);
    }

    public static void readHeldAcks(final B2bua b2bua, final SnapshotReader in)
    {
        if (!b2bua.config().keepsTransfersAcks())
        {
            return;
        }
        final int count = in.readInt();
        for (int i = 0; i < count; i++)
        {
            final Leg leg = b2bua.calls().legs().get(in.readLong());
            if (leg == null)
            {
                throw new SnapshotException("a held ACK of a leg the snapshot does not have");
            }
            leg.ackHeldByTransfer = true;
        }
    }

    public static void readRouteTargets(final B2bua b2bua, final SnapshotReader in)
    {
        if (!b2bua.config().snapshotsVersion5State())
        {
            return;
        }
        b2bua.health().read(in);
        final int count = in.readInt();
        final Map<Long, Call> byId = new HashMap<>();
        for (final Call call : calls(b2bua))
        {
            byId.put(call.id, call);
        }
        for (int i = 0; i < count; i++)
        {
            final Call call = byId.get(in.readLong());
            final int targets = in.readInt();
            final List<RouteTarget> alternates = new ArrayList<>(targets);
            for (int j = 0; j < targets; j++)
            {
                final int transport = in.readByte();
                alternates.add(new RouteTarget(AddressSyntax.hostPort(in.readString()), transport, in.readInt(),
                    in.readInt()));
            }
            if (call == null)
            {
                throw new SnapshotException("route targets of a call the snapshot does not have");
            }
            call.alternates = List.copyOf(alternates);
        }
    }

    public static void writeMaxForwards(final B2bua b2bua, final SnapshotWriter out)
    {
        if (!b2bua.config().carriesMaxForwards())
        {
            return;
        }
        final List<Call> calls = calls(b2bua);
        out.writeInt(calls.size());
        for (final Call call : calls)
        {
            out.writeLong(call.id);
            out.writeByte(call.maxForwards);
        }
    }

    public static void readMaxForwards(final B2bua b2bua, final SnapshotReader in)
    {
        if (!b2bua.config().carriesMaxForwards())
        {
            return;
        }
        final Map<Long, Call> calls = callsById(b2bua);
        final int count = in.readInt();
        for (int i = 0; i < count; i++)
        {
            final Call call = heldCall(calls, in.readLong(), "Max-Forwards");
            call.maxForwards = in.readByte();
        }
    }

    /**
     * The early dialogs of legs whose INVITE forked (EarlyDialogs), then the forks each leg released (ForkedAnswers),
     * by leg id, appended after the calls' Max-Forwards only by an engine that tracks them (node-start version 5 on):
     * snapshots of older journals keep their layout.
     */
    public static void writeEarlyDialogs(final B2bua b2bua, final SnapshotWriter out)
    {
        if (b2bua.config().releasesForkedAnswers())
        {
            b2bua.earlyDialogs().write(out);
            b2bua.forkedAnswers().write(out);
        }
    }

    public static void readEarlyDialogs(final B2bua b2bua, final SnapshotReader in)
    {
        if (b2bua.config().releasesForkedAnswers())
        {
            b2bua.earlyDialogs().read(in, b2bua.calls().legs());
            b2bua.forkedAnswers().read(in, b2bua.calls().legs());
        }
    }

    /**
     * Each leg's session timer (RFC 4028), node-start version 5 on: the leg, its interval, who refreshes, whether the
     * peer allows UPDATE, whether the pending timer ends the call, the timer, and the SDP a re-INVITE refresh offers.
     * Legs in the order the snapshot numbers them.
     */
    public static void writeSessionTimers(final B2bua b2bua, final SnapshotRefs refs, final SnapshotWriter out)
    {
        if (!b2bua.config().sessionTimers())
        {
            return;
        }
        final List<Leg> timed = new ArrayList<>();
        for (int i = 0; i < refs.size(); i++)
        {
            if (refs.get(i) instanceof Leg leg && b2bua.sessions().of(leg) != null)
            {
                timed.add(leg);
            }
        }
        out.writeInt(timed.size());
        for (final Leg leg : timed)
        {
            final SessionTimer session = b2bua.sessions().of(leg);
            refs.writeRef(out, leg);
            out.writeInt(session.intervalS);
            out.writeBoolean(session.refereeRefreshes);
            out.writeBoolean(session.peerAllowsUpdate);
            out.writeBoolean(session.expiring);
            out.writeLong(session.timerId);
            StoredMessage.write(session.sdp, out);
            out.writeString(session.sdpType);
        }
    }

    public static void readSessionTimers(final B2bua b2bua, final SnapshotRefs refs, final SnapshotReader in)
    {
        if (!b2bua.config().sessionTimers())
        {
            return;
        }
        final int count = in.readInt();
        for (int i = 0; i < count; i++)
        {
            final Leg leg = refs.readRef(in, Leg.class);
            final SessionTimer session = new SessionTimer();
            session.intervalS = in.readInt();
            session.refereeRefreshes = in.readBoolean();
            session.peerAllowsUpdate = in.readBoolean();
            session.expiring = in.readBoolean();
            session.timerId = in.readLong();
            session.sdp = StoredMessage.of(in.readBytes());
            session.sdpType = in.readString();
            b2bua.sessions().restore(leg, session);
        }
    }

    /**
     * The reliable provisionals (RFC 3262), node-start version 6 on, appended after the session timers: the callees'
     * early dialogs with their last RSeq ({@link PrackSender}), then what each caller's leg sent and waits to send
     * ({@link ReliableProvisionals}), by leg id. Snapshots of older journals keep their layout.
     */
    public static void writeReliableProvisionals(final B2bua b2bua, final SnapshotWriter out)
    {
        if (b2bua.config().reliableProvisionals())
        {
            b2bua.pracks().write(out);
            b2bua.reliableProvisionals().write(out);
        }
    }

    public static void readReliableProvisionals(final B2bua b2bua, final SnapshotReader in)
    {
        if (b2bua.config().reliableProvisionals())
        {
            b2bua.pracks().read(in, b2bua.calls().legs());
            b2bua.reliableProvisionals().read(in, b2bua.calls().legs());
        }
    }

    /**
     * The calls whose callee answered 422 (RFC 4028 §7.4), node-start version 6 on, appended after the reliable
     * provisionals: call id, the interval their INVITEs ask for now, and how many times the INVITE went again.
     */
    public static void writeSessionIntervals(final B2bua b2bua, final SnapshotWriter out)
    {
        if (!b2bua.config().retriesIntervalTooSmall())
        {
            return;
        }
        final List<Call> retried = new ArrayList<>();
        for (final Call call : calls(b2bua))
        {
            if (call.intervalRetries > 0)
            {
                retried.add(call);
            }
        }
        out.writeInt(retried.size());
        for (final Call call : retried)
        {
            out.writeLong(call.id);
            out.writeInt(call.sessionExpiresS);
            out.writeByte(call.intervalRetries);
        }
    }

    public static void readSessionIntervals(final B2bua b2bua, final SnapshotReader in)
    {
        if (!b2bua.config().retriesIntervalTooSmall())
        {
            return;
        }
        final Map<Long, Call> calls = callsById(b2bua);
        final int count = in.readInt();
        for (int i = 0; i < count; i++)
        {
            final Call call = heldCall(calls, in.readLong(), "session interval");
            call.sessionExpiresS = in.readInt();
            call.intervalRetries = (byte)in.readByte();
            if (call.intervalRetries > SessionTimers.MAX_INTERVAL_RETRIES)
            {
                throw new SnapshotException("call " + call.id + " retried its INVITE " + call.intervalRetries +
                    " times after 422, at most " + SessionTimers.MAX_INTERVAL_RETRIES);
            }
        }
    }

    /** The snapshot's calls by id, for the sections that name calls by id after the objects. */
    private static Map<Long, Call> callsById(final B2bua b2bua)
    {
        final Map<Long, Call> calls = new HashMap<>();
        for (final Call call : calls(b2bua))
        {
            calls.put(call.id, call);
        }
        return calls;
    }

    /** The call a section names; a corrupt snapshot when it holds none of that id. */
    private static Call heldCall(final Map<Long, Call> calls, final long id, final String what)
    {
        final Call call = calls.get(id);
        if (call == null)
        {
            throw new SnapshotException(what + " of call " + id + ", which the snapshot does not hold");
        }
        return call;
    }

    /** The calls of every leg, each once, by id. */
    /** The calls of the legs held, each once, by id (no boxed keys: a snapshot asks for them five times). */
    private static List<Call> calls(final B2bua b2bua)
    {
        final LongHashSet seen = new LongHashSet();
        final List<Call> calls = new ArrayList<>();
        for (final Leg leg : b2bua.calls().legs().values())
        {
            if (leg.call != null && seen.add(leg.call.id))
            {
                calls.add(leg.call);
            }
        }
        calls.sort(Comparator.comparingLong(call -> call.id));
        return calls;
    }

    /**
     * Called for every restored object once all are linked: a call counts against its trunk again (the counts are
     * derived from the calls, not carried by the snapshot).
     */
    public static void restored(final B2bua b2bua, final Object object)
    {
        if (object instanceof Call call)
        {
            b2bua.admission().count(call);
        }
    }

    public static void visitLinks(final Object object, final ObjectVisitor visitor)
    {
        if (object instanceof Call call)
        {
            visitor.visit(call.a);
            visitor.visit(call.b);
            visitor.visit(call.callerInvite);
            visitor.visit(call.calleeInvite);
            for (int i = 0; i < call.legs.size(); i++)
            {
                visitor.visit(call.legs.get(i));
            }
            visitor.visit(call.transfer);
            visitor.visit(call.pendingRefer);
            visitor.visit(call.blonde);
        }
        else
        {
            final Leg leg = cast(object, Leg.class);
            visitor.visit(leg.call);
            visitor.visit(leg.peer);
            visitor.visit(leg.serverInvite);
            visitor.visit(leg.clientInvite);
        }
    }

    /** Fields, and links that restore needs to construct the object (only to kinds written before it). */
    public static void writeFields(final Object object, final SnapshotWriter out, final SnapshotRefs refs)
    {
        if (object instanceof Call call)
        {
            writeCall(call, out);
        }
        else
        {
            writeLeg(cast(object, Leg.class), out);
        }
    }

    public static Object readFields(final int kind, final B2bua b2bua, final SnapshotReader in,
        final SnapshotRefs refs)
    {
        return switch (kind)
        {
            case SnapshotKinds.CALL -> readCall(b2bua, in);
            case SnapshotKinds.LEG -> readLeg(b2bua, in);
            default -> throw new SnapshotException("not a call object kind: " + kind);
        };
    }

    /** Links that may point at any object, written after every object exists. */
    public static void writeLinks(final Object object, final SnapshotWriter out, final SnapshotRefs refs)
    {
        if (object instanceof Call call)
        {
            refs.writeRef(out, call.a);
            refs.writeRef(out, call.b);
            refs.writeRef(out, call.callerInvite);
            refs.writeRef(out, call.calleeInvite);
            out.writeInt(call.legs.size());
            for (int i = 0; i < call.legs.size(); i++)
            {
                refs.writeRef(out, call.legs.get(i));
            }
            refs.writeRef(out, call.transfer);
            refs.writeRef(out, call.pendingRefer);
            refs.writeRef(out, call.blonde);
        }
        else if (object instanceof Leg leg)
        {
            refs.writeRef(out, leg.call);
            refs.writeRef(out, leg.peer);
            refs.writeRef(out, leg.serverInvite);
            refs.writeRef(out, leg.clientInvite);
        }
    }

    public static void readLinks(final Object object, final SnapshotReader in, final SnapshotRefs refs)
    {
        if (object instanceof Call call)
        {
            call.a = refs.readRef(in, Leg.class);
            call.b = refs.readRef(in, Leg.class);
            call.callerInvite = refs.readRef(in, ServerTransaction.class);
            call.calleeInvite = refs.readRef(in, ClientTransaction.class);
            final int legs = in.readInt();
            for (int i = 0; i < legs; i++)
            {
                call.legs.add(refs.readRef(in, Leg.class));
            }
            call.transfer = refs.readRef(in, CallTransfer.class);
            call.pendingRefer = refs.readRef(in, PendingRefer.class);
            call.blonde = refs.readRef(in, CallTransfer.class);
        }
        else if (object instanceof Leg leg)
        {
            leg.call = refs.readRef(in, Call.class);
            leg.peer = refs.readRef(in, Leg.class);
            leg.serverInvite = refs.readRef(in, ServerTransaction.class);
            leg.clientInvite = refs.readRef(in, ClientTransaction.class);
        }
    }

    private static void writeCall(final Call call, final SnapshotWriter out)
    {
        out.writeLong(call.id);
        out.writeLong(call.parentId);
        // The format predates CANCEL_PENDING and CANCELLING: they are INITIATING with the two flags of that time.
        final Call.State state = call.state();
        out.writeByte(state == Call.State.CONFIRMED ? 1 : state == Call.State.TERMINATING ? 2 :
            state == Call.State.ENDED ? 3 : 0);
        out.writeBoolean(state == Call.State.CANCEL_PENDING);
        out.writeBoolean(state.isCancelled());
        out.writeInt(call.byesOutstanding);
        out.writeString(call.endCause == null ? null : call.endCause.wire());
        StoredMessage.write(call.callerOffer, out);
        out.writeString(call.callerOfferType);
        out.writeStrings(call.redirectTargets);
        // A set: written sorted so that two equal calls give equal bytes.
        final List<String> tried = new ArrayList<>(call.triedTargets());
        tried.sort(Comparator.naturalOrder());
        out.writeStrings(tried);
        out.writeInt(call.redirects);
    }

    private static Call readCall(final B2bua b2bua, final SnapshotReader in)
    {
        final long id = in.readLong();
        final long parentId = in.readLong();
        final int stateCode = in.readByte();
        final boolean cancelPending = in.readBoolean();
        final boolean cancelled = in.readBoolean();
        final Call.State state = switch (stateCode)
        {
            case 0 -> cancelPending ? Call.State.CANCEL_PENDING : cancelled ? Call.State.CANCELLING :
                Call.State.INITIATING;
            case 1 -> Call.State.CONFIRMED;
            case 2 -> Call.State.TERMINATING;
            case 3 -> Call.State.ENDED;
            default -> throw new SnapshotException("unknown call state " + stateCode);
        };
        final Call call = new Call(id, parentId, state, b2bua.transitions());
        call.byesOutstanding = in.readInt();
        call.endCause = EndCause.ofWire(in.readString());
        call.callerOffer = StoredMessage.of(in.readBytes());
        call.callerOfferType = in.readString();
        final List<String> redirectTargets = in.readStrings();
        if (!redirectTargets.isEmpty())
        {
            call.redirectTargets = new ArrayList<>(redirectTargets);
        }
        for (final String target : in.readStrings())
        {
            call.tryTarget(target);
        }
        call.redirects = (short)in.readInt();
        return call;
    }

    private static void writeLeg(final Leg leg, final SnapshotWriter out)
    {
        out.writeLong(leg.id);
        out.writeString(leg.callId);
        out.writeString(leg.localTag);
        out.writeString(leg.remoteTag);
        out.writeString(leg.localUri);
        out.writeString(leg.remoteUri);
        out.writeString(leg.remoteTarget);
        out.writeStrings(leg.routeSet);
        out.writeLong(leg.localCSeq);
        out.writeLong(leg.remoteCSeq);
        out.writeInt(leg.refersReceived);
        out.writeInt(leg.transport);
        out.writeAddress(leg.flow);
        out.writeLong(leg.connectionId);
        out.writeBoolean(leg.wasAnswered());
        out.writeBoolean(leg.isTerminated());
        StoredMessage.write(leg.pending2xx, out);
        out.writeLong(leg.pending2xxCSeq);
        out.writeLong(leg.retransmitTimer);
        out.writeLong(leg.giveUpTimer);
        out.writeLong(leg.retransmitIntervalNs);
        out.writeLong(leg.ackPendingCSeq);
        StoredMessage.write(leg.lastAck, out);
        out.writeLong(leg.lastAckCSeq);
    }

    private static Leg readLeg(final B2bua b2bua, final SnapshotReader in)
    {
        final Leg leg = new Leg(in.readLong(), null, b2bua);
        leg.callId = in.readString();
        leg.localTag = in.readString();
        leg.remoteTag = in.readString();
        leg.localUri = in.readString();
        leg.remoteUri = in.readString();
        leg.remoteTarget = in.readString();
        final List<String> routeSet = in.readStrings();
        leg.routeSet = routeSet == null ? null : List.copyOf(routeSet);
        leg.localCSeq = (int)in.readLong(); // written as i64: the format predates int CSeqs
        leg.remoteCSeq = (int)in.readLong();
        leg.refersReceived = in.readInt();
        leg.transport = in.readInt();
        leg.flow = in.readAddress();
        leg.connectionId = in.readLong();
        final boolean answered = in.readBoolean();
        leg.restoreState(answered, in.readBoolean());
        leg.pending2xx = StoredMessage.of(in.readBytes());
        leg.pending2xxCSeq = in.readLong();
        leg.retransmitTimer = in.readLong();
        leg.giveUpTimer = in.readLong();
        leg.retransmitIntervalNs = in.readLong();
        leg.ackPendingCSeq = (int)in.readLong();
        leg.lastAck = StoredMessage.of(in.readBytes());
        leg.lastAckCSeq = (int)in.readLong();
        return leg;
    }

    private static <T> T cast(final Object object, final Class<T> type)
    {
        if (!type.isInstance(object))
        {
            throw new SnapshotException("expected a " + type.getSimpleName() + " but found " + object);
        }
        return type.cast(object);
    }
}
