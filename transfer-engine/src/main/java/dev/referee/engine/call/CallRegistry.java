package dev.referee.engine.call;

import dev.referee.engine.config.Route;
import dev.referee.engine.id.IdGenerator;
import dev.referee.sip.AsciiView;
import dev.referee.sip.NameAddr;
import dev.referee.sip.SipMessage;

import org.agrona.collections.Long2ObjectHashMap;

import java.net.InetSocketAddress;

/**
 * Every leg the engine holds, by id (a leg's tag carries its id, so a request finds its dialog with one map lookup),
 * the count of active calls, and the making of new calls and legs with their identifiers (Call-ID, tag) for the
 * call setup and the transfer package. Engine thread only.
 */
public final class CallRegistry
{
    private final B2bua b2bua;
    private final IdGenerator ids;
    private final LegMessages messages;
    private final Long2ObjectHashMap<Leg> legs = new Long2ObjectHashMap<>();
    private long nextLegId = 1;
    private long nextCallId = 1;
    private int callCount;

    CallRegistry(final B2bua b2bua, final IdGenerator ids, final LegMessages messages)
    {
        this.b2bua = b2bua;
        this.ids = ids;
        this.messages = messages;
    }

    public int callCount()
    {
        return callCount;
    }

    public int legCount()
    {
        return legs.size();
    }

    /** The leg whose local tag is {@code localTag} in dialog {@code callId}; null when none. */
    public Leg findLeg(final AsciiView localTag, final AsciiView callId)
    {
        final long id = IdGenerator.idOf(localTag, 0);
        if (id < 0)
        {
            return null;
        }
        final Leg leg = legs.get(id);
        return leg != null && localTag.contentEquals(leg.localTag) && callId.contentEquals(leg.callId) ? leg : null;
    }

    /** The leg of the dialog a Replaces header names (its tags in either order, one of them Referee's); or null. */
    public Leg findLeg(final DialogReference dialog)
    {
        for (final String ours : new String[]{dialog.toTag(), dialog.fromTag()})
        {
            final long id = IdGenerator.idOf(ours, 0);
            final Leg leg = id < 0 ? null : legs.get(id);
            if (leg != null && ours.equals(leg.localTag) && dialog.callId().equals(leg.callId))
            {
                final String theirs = ours == dialog.toTag() ? dialog.fromTag() : dialog.toTag();
                if (theirs.equals(leg.remoteTag) || leg.remoteTag == null || leg.remoteTag.isEmpty())
                {
                    return leg;
                }
            }
        }
        return null;
    }

    /** A new call for a caller's INVITE: ids for it and its two legs (registered by {@link #register}). */
    Call newCallerCall()
    {
        return new Call(nextCallId++, nextLegId++, nextLegId++, b2bua);
    }

    /** The call's two legs become known to the engine (their tags find them) and it counts as active. */
    void register(final Call call)
    {
        legs.put(call.a.id, call.a);
        legs.put(call.b.id, call.b);
        callCount++;
        b2bua.admission().count(call);
    }

    /** A new leg of {@code call}, known to the engine from now on (its tag finds it). */
    Leg newLeg(final Call call)
    {
        final Leg leg = new Leg(nextLegId++, call, b2bua);
        legs.put(leg.id, leg);
        call.legs.add(leg);
        return leg;
    }

    /**
     * A leg for the dialog another fork of {@code like}'s INVITE made (to be released at once): Referee's side of
     * {@code like} (Call-ID, tag, URIs, flow), in {@code like}'s call for the trace, but in no map and in no call.
     */
    Leg newForkLeg(final Leg like)
    {
        final Leg leg = new Leg(nextLegId++, like.call, b2bua);
        leg.callId = like.callId;
        leg.localTag = like.localTag;
        leg.localUri = like.localUri;
        leg.remoteUri = like.remoteUri;
        leg.remoteTarget = like.remoteTarget;
        leg.transport = like.transport;
        leg.flow = like.flow;
        leg.connectionId = like.connectionId;
        return leg;
    }

    /** A call made of two existing legs (a transfer's outcome), child of {@code parentId}; the legs are joined. */
    public Call newCall(final long parentId, final Leg a, final Leg b)
    {
        final Call formerOfA = a.call;
        final Call formerOfB = b.call;
        // The legs leave their calls: a call whose caller leg leaves stops counting against its trunk.
        uncount(formerOfA, formerOfB);
        final Call call = new Call(nextCallId++, parentId, a, b, b2bua.transitions());
        callCount++;
        b2bua.admission().count(call);
        count(formerOfA, formerOfB);
        return call;
    }

    private void uncount(final Call one, final Call other)
    {
        if (one != null)
        {
            b2bua.admission().uncount(one);
        }
        if (other != null && other != one)
        {
            b2bua.admission().uncount(other);
        }
    }

    private void count(final Call one, final Call other)
    {
        if (one != null)
        {
            b2bua.admission().count(one);
        }
        if (other != null && other != one)
        {
            b2bua.admission().count(other);
        }
    }

    /**
     * A new leg of {@code call} toward a target Referee calls (a transfer target): its own Call-ID and tag,
     * {@code localUri} as From, the Request-URI built like a callee's from {@code user} and the route.
     */
    public Leg newTargetLeg(final Call call, final String localUri, final String remoteUri, final AsciiView user,
        final Route route)
    {
        final Leg leg = newLeg(call);
        leg.callId = ids.callId();
        leg.localTag = ids.tag(leg.id);
        leg.localUri = localUri;
        leg.remoteUri = remoteUri;
        leg.remoteTarget = messages.strings().requestUri(user, b2bua.router().targetSuffix(route));
        leg.transport = route.transport();
        leg.flow = route.target();
        return leg;
    }

    /**
     * A new leg of {@code call} toward the peer of {@code like} (a transferor called back): a new dialog (own Call-ID
     * and tag) to the same target, route set and flow.
     */
    public Leg newLegToward(final Call call, final String localUri, final Leg like)
    {
        final Leg leg = newLeg(call);
        leg.callId = ids.callId();
        leg.localTag = ids.tag(leg.id);
        leg.localUri = localUri;
        leg.remoteUri = like.remoteUri;
        leg.remoteTarget = like.remoteTarget;
        leg.routeSet = like.routeSet;
        leg.transport = like.transport;
        leg.flow = like.flow;
        leg.connectionId = like.connectionId;
        return leg;
    }

    /** A new leg of {@code call} for the dialog an out-of-dialog INVITE opens (a pickup's), Referee as UAS. */
    public Leg newIncomingLeg(final Call call, final SipMessage request, final int transport,
        final InetSocketAddress source, final long connectionId)
    {
        final Leg leg = newLeg(call);
        takeDialogOf(leg, request, transport, source, connectionId);
        return leg;
    }

    /** {@code leg} becomes the UAS side of the dialog {@code request} (an INVITE without To tag) opens. */
    void takeDialogOf(final Leg leg, final SipMessage request, final int transport, final InetSocketAddress source,
        final long connectionId)
    {
        leg.callId = request.callId().toString();
        leg.remoteTag = request.from().tag().toString();
        leg.localTag = ids.tag(leg.id);
        leg.remoteUri = messages.strings().nameAddrWithoutParams(request.from());
        leg.localUri = messages.strings().nameAddrWithoutParams(request.to());
        leg.fromChange = b2bua.acceptsFromChange(leg, request, source);
        final NameAddr contact = request.contact();
        leg.remoteTarget = contact != null ? contact.uri().toString() : request.requestUri().toString();
        leg.routeSet = messages.recordRoutes(request, false);
        leg.remoteCSeq = (int)request.cseqNumber();
        leg.transport = transport;
        leg.flow = source;
        leg.connectionId = connectionId;
    }

    /** The leg is gone: messages for it get 481 from now on. */
    void remove(final Leg leg)
    {
        legs.remove(leg.id);
        b2bua.callMedia().released(leg);
        b2bua.earlyDialogs().forget(leg);
        b2bua.forkedAnswers().forget(leg);
        b2bua.pracks().forget(leg);
        b2bua.reliableProvisionals().forget(leg);
    }

    /** A call ended: it no longer counts as active. */
    void ended()
    {
        callCount--;
    }

    // ---- snapshot hooks (CallSnapshots, CallStateDescriber) -------------------------------------------------

    Long2ObjectHashMap<Leg> legs()
    {
        return legs;
    }

    long nextLegId()
    {
        return nextLegId;
    }

    long nextCallId()
    {
        return nextCallId;
    }

    void restoreCounters(final long nextLegId, final long nextCallId, final int callCount)
    {
        this.nextLegId = nextLegId;
        this.nextCallId = nextCallId;
        this.callCount = callCount;
    }
}
