package dev.referee.engine.call;

import dev.referee.engine.counters.EngineCounters;
import dev.referee.engine.snapshot.SnapshotException;
import dev.referee.engine.snapshot.SnapshotReader;
import dev.referee.engine.snapshot.SnapshotWriter;
import dev.referee.engine.time.EngineTimers;
import dev.referee.engine.transaction.ClientTransaction;
import dev.referee.engine.transaction.TransactionLayer;
import dev.referee.sip.AsciiView;
import dev.referee.sip.HeaderName;
import dev.referee.sip.SipLimits;
import dev.referee.sip.SipMessage;
import dev.referee.sip.SipMessageWriter;
import dev.referee.sip.SipMethod;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * RFC 3262 §4 on the leg Referee is the UAC of (the callee's): a reliable provisional (Require: 100rel with an RSeq) to
 * Referee's INVITE is acknowledged with a PRACK in the early dialog it belongs to (its To tag, Contact and
 * Record-Route; the leg's next CSeq; {@code RAck: rseq cseq INVITE}), a non-INVITE client transaction of its own whose
 * outcome changes nothing (a PRACK answered 481 or never answered is not a failed call: the INVITE's own answer
 * decides). Each early dialog (fork) has its own RSeq space: the first reliable provisional of a To tag starts it, a
 * later one is processed (acknowledged and relayed) only when its RSeq is one more; a retransmission or one out of
 * order is not processed further (§4: the callee sends it again until it is acknowledged in order).
 * <p>
 * Referee lists 100rel in the INVITEs that carry an offer only, so a reliable provisional can only bring the answer
 * (§5): it moves the leg to {@link OfferAnswer#EARLY_ANSWERED}, and the PRACK carries no body. State exists only for a
 * leg that heard a reliable provisional, at most {@link #MAX_DIALOGS} early dialogs per leg (a further fork's reliable
 * provisionals are relayed unreliably and not acknowledged), and goes with the INVITE's final response or with the
 * leg. Engine thread only.
 */
final class PrackSender
{
    /** Early dialogs tracked per leg, as {@link EarlyDialogs} does. */
    static final int MAX_DIALOGS = LegTags.MAX_PER_LEG;
    /** {@link #accept}: not a reliable provisional (or one beyond the bound): relayed as any provisional. */
    static final long NOT_RELIABLE = -1;
    /** {@link #accept}: a reliable provisional already acknowledged, or out of order: not processed further. */
    static final long NOT_IN_ORDER = 0;
    private static final long MAX_RSEQ = (1L << 32) - 1;

    /** The early dialogs of one leg that sent reliable provisionals: their To tags and the last RSeq of each. */
    static final class Dialogs
    {
        final List<String> tags = new ArrayList<>(1);
        final long[] lastRSeq = new long[MAX_DIALOGS];
        /** The INVITE's offer was answered in one of them (the leg is EARLY_ANSWERED until the 2xx). */
        boolean answered;
    }

    private final B2bua b2bua;
    private final TransactionLayer transactions;
    private final LegMessages messages;
    private final EngineTimers timers;
    private final EngineCounters counters;
    private final Long2ObjectHashMap<Dialogs> byLeg = new Long2ObjectHashMap<>();
    private final AsciiView view = new AsciiView();

    PrackSender(final B2bua b2bua, final TransactionLayer transactions, final LegMessages messages,
        final EngineTimers timers, final EngineCounters counters)
    {
        this.b2bua = b2bua;
        this.transactions = transactions;
        this.messages = messages;
        this.timers = timers;
        this.counters = counters;
    }

    /**
     * A provisional to {@code leg}'s INVITE came: its RSeq when it is a reliable provisional in order (to acknowledge
     * with {@link #acknowledge} once the leg has learnt its dialog), {@link #NOT_IN_ORDER} when it must not be
     * processed further, {@link #NOT_RELIABLE} for any other provisional (and always before node-start version 6).
     */
    long accept(final Leg leg, final SipMessage response)
    {
        if (!b2bua.config().reliableProvisionals() || !OptionTags.requires(response, OptionTags.REL100, view) ||
            !response.header(HeaderName.RSEQ, view))
        {
            return NOT_RELIABLE;
        }
        final long rseq = trimmed(view).parseLong();
        final AsciiView tag = response.to().tag();
        if (rseq < 1 || rseq > MAX_RSEQ || tag.isEmpty())
        {
            return NOT_RELIABLE; // no RSeq to acknowledge, or no early dialog to send the PRACK in
        }
        Dialogs dialogs = byLeg.get(leg.id);
        if (dialogs == null)
        {
            dialogs = new Dialogs();
            byLeg.put(leg.id, dialogs);
        }
        for (int i = 0; i < dialogs.tags.size(); i++)
        {
            if (tag.contentEquals(dialogs.tags.get(i)))
            {
                if (rseq != dialogs.lastRSeq[i] + 1)
                {
                    return NOT_IN_ORDER;
                }
                dialogs.lastRSeq[i] = rseq;
                return rseq;
            }
        }
        if (dialogs.tags.size() == MAX_DIALOGS)
        {
            return NOT_RELIABLE;
        }
        dialogs.lastRSeq[dialogs.tags.size()] = rseq;
        dialogs.tags.add(tag.toString());
        return rseq;
    }

    /**
     * Sends the PRACK of {@code response}, the reliable provisional of RSeq {@code rseq} that {@link #accept} took, in
     * its early dialog (the leg learnt its tag and Contact from it); its answer, if any, is the leg's early answer.
     */
    void acknowledge(final Leg leg, final SipMessage response, final long rseq)
    {
        final long clientId = transactions.clients().reserveClientId();
        final String branch = transactions.clients().branch(clientId);
        final SipMessageWriter writer = messages.startRequest(leg, "PRACK", ++leg.localCSeq, branch,
            SipLimits.MAX_FORWARDS, messages.recordRoutes(response, true));
        writer.startHeader("RAck").append(rseq).append(' ').append(response.cseqNumber()).append(" INVITE")
            .endHeader();
        writer.endWithoutBody();
        final ClientTransaction ct = transactions.clients().sendRequest(
            clientId, branch, SipMethod.PRACK, "PRACK", leg.transport, leg.flow, leg.connectionId);
        ct.use(ClientPurpose.PRACK, leg);
        if (counters != null)
        {
            counters.increment(EngineCounters.PRACKS_SENT);
        }
        if (response.bodyLength() > 0)
        {
            leg.received(OfferAnswer.Carrier.RELIABLE_PROVISIONAL, true, timers.nowNs());
            final Dialogs dialogs = byLeg.get(leg.id);
            if (dialogs != null)
            {
                dialogs.answered |= leg.offerAnswer() == OfferAnswer.EARLY_ANSWERED;
            }
        }
    }

    /** {@code leg}'s INVITE got its final response: its early dialogs' RSeq spaces end (§4). */
    void onFinal(final Leg leg)
    {
        if (!byLeg.isEmpty())
        {
            byLeg.remove(leg.id);
        }
    }

    /** The leg is gone. */
    void forget(final Leg leg)
    {
        onFinal(leg);
    }

    /** True when {@code leg}'s INVITE under way was answered in a reliable provisional (offer/answer at restore). */
    boolean answeredEarly(final Leg leg)
    {
        final Dialogs dialogs = byLeg.isEmpty() ? null : byLeg.get(leg.id);
        return dialogs != null && dialogs.answered;
    }

    /** By leg id, in order: count, then each leg id, whether answered early, and its tags with their last RSeq. */
    void write(final SnapshotWriter out)
    {
        final TreeMap<Long, Dialogs> ordered = new TreeMap<>();
        byLeg.forEach(ordered::put);
        out.writeInt(ordered.size());
        ordered.forEach((id, dialogs) ->
        {
            out.writeLong(id);
            out.writeBoolean(dialogs.answered);
            out.writeByte(dialogs.tags.size());
            for (int i = 0; i < dialogs.tags.size(); i++)
            {
                out.writeString(dialogs.tags.get(i));
                out.writeLong(dialogs.lastRSeq[i]);
            }
        });
    }

    void read(final SnapshotReader in, final Long2ObjectHashMap<Leg> legs)
    {
        final int count = in.readInt();
        for (int i = 0; i < count; i++)
        {
            final long id = in.readLong();
            if (legs.get(id) == null)
            {
                throw new SnapshotException("reliable provisionals of leg " + id +
                    ", which the snapshot does not hold");
            }
            final Dialogs dialogs = new Dialogs();
            dialogs.answered = in.readBoolean();
            final int n = in.readByte();
            if (n > MAX_DIALOGS)
            {
                throw new SnapshotException("leg " + id + " has " + n + " early dialogs with RSeq, at most " +
                    MAX_DIALOGS);
            }
            for (int t = 0; t < n; t++)
            {
                dialogs.tags.add(in.readString());
                dialogs.lastRSeq[t] = in.readLong();
            }
            byLeg.put(id, dialogs);
        }
    }

    /** {@code view} without the blanks around a header value. */
    static AsciiView trimmed(final AsciiView view)
    {
        int from = 0;
        int to = view.length();
        while (from < to && view.charAt(from) <= ' ')
        {
            from++;
        }
        while (to > from && view.charAt(to - 1) <= ' ')
        {
            to--;
        }
        return view.wrap(view.buffer(), view.offset() + from, to - from);
    }
}
