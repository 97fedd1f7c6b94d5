package dev.referee.engine.call;

import dev.referee.engine.id.IdGenerator;
import dev.referee.engine.media.MediaAnchor;
import dev.referee.engine.message.StoredMessage;
import dev.referee.engine.time.EngineTimers;
import dev.referee.engine.transaction.ClientTransaction;
import dev.referee.engine.transaction.TransactionLayer;
import dev.referee.sip.SipLimits;
import dev.referee.sip.SipMessage;
import dev.referee.sip.SipMessageWriter;
import dev.referee.sip.SipMethod;

/**
 * The INVITEs Referee originates on a leg (RFC 3261 §13.2.1, §14.1): the first of a new dialog (a transfer target's,
 * a join's) and re-INVITEs inside one, each with its offer (or none), its session timer headers, the transfer headers
 * of {@link InviteHeaders}, sent in a client transaction of a {@link ClientPurpose}, the leg's offer/answer machine
 * told; and how long to wait before a re-INVITE that got 491 goes again. Relayed re-INVITEs are not made here
 * ({@link RequestRelay}), nor the caller's INVITE sent on to the callee ({@link CallSetup}). Engine thread only.
 */
final class LegInvites
{
    private final B2bua b2bua;
    private final TransactionLayer transactions;
    private final LegMessages messages;
    private final SessionTimers sessions;
    private final EngineTimers timers;
    private final IdGenerator ids;
    /** Null when media passes through. */
    private final MediaAnchor media;

    LegInvites(final B2bua b2bua, final TransactionLayer transactions, final LegMessages messages,
        final SessionTimers sessions, final EngineTimers timers, final IdGenerator ids, final MediaAnchor media)
    {
        this.b2bua = b2bua;
        this.transactions = transactions;
        this.messages = messages;
        this.sessions = sessions;
        this.timers = timers;
        this.ids = ids;
        this.media = media;
    }

    /** The first INVITE of {@code leg}'s new dialog (CSeq 1); see {@link B2bua#invite}. */
    ClientTransaction invite(final Leg leg, final InviteHeaders headers, final ClientPurpose purpose,
        final Object context, final Leg mediaOf)
    {
        leg.localCSeq = 1;
        final long clientId = transactions.clients().reserveClientId();
        final String branch = transactions.clients().branch(clientId);
        final SipMessageWriter writer = startInvite(leg, branch, headers,
            b2bua.config().carriesMaxForwards() ? leg.call.maxForwards : SipLimits.MAX_FORWARDS);
        sessions.offer(writer); // the 2xx goes to sessionAnswered: the new dialog's leg negotiates its own timer
        final int offer = media == null || mediaOf == null ? -1 : media.freshOfferOf(mediaOf.id);
        if (offer > 0)
        {
            messages.endWithBody(leg, SdpOrigin.CONTENT_TYPE, media.offerOutput(), 0, offer, writer);
        }
        else
        {
            writer.endWithoutBody();
        }
        return sendInvite(leg, clientId, branch, offer > 0, purpose, context);
    }

    /** A re-INVITE on {@code leg}: with the body of {@code offerSource} as offer, or without offer when null. */
    ClientTransaction reInvite(final Leg leg, final SipMessage offerSource, final InviteHeaders headers,
        final ClientPurpose purpose, final Object context)
    {
        leg.localCSeq++;
        return sendInvite(leg, offerSource, headers, SipLimits.MAX_FORWARDS, purpose, context);
    }

    /** A re-INVITE on {@code leg} offering {@code offer} (a stored body of type {@code offerType}; null: no offer). */
    ClientTransaction reInvite(final Leg leg, final StoredMessage offer, final String offerType,
        final InviteHeaders headers, final ClientPurpose purpose, final Object context)
    {
        leg.localCSeq++;
        final long clientId = transactions.clients().reserveClientId();
        final String branch = transactions.clients().branch(clientId);
        final SipMessageWriter writer = startInvite(leg, branch, headers, SipLimits.MAX_FORWARDS);
        if (offer != null)
        {
            messages.endWithBody(leg, offerType, offer.buffer(), 0, offer.length(), writer);
        }
        else
        {
            writer.endWithoutBody();
        }
        return sendInvite(leg, clientId, branch, offer != null, purpose, context);
    }

    /**
     * RFC 3261 §14.1: how long to wait before sending again a re-INVITE on {@code leg} that got 491: 2.1 to 4 s when
     * Referee made the dialog's Call-ID (it owns it), else 0 to 2 s, in units of 10 ms, drawn at {@code index} (e.g.
     * the transfer and the attempt) from the keyed generator, so that the far end cannot time its own retry to clash
     * again and a replay waits the same.
     */
    long glareDelayNs(final Leg leg, final long index)
    {
        final boolean owner = IdGenerator.madeCallId(leg.callId);
        final long draw = ids.draw(IdGenerator.DRAW_GLARE, index);
        final long units = owner ? 210 + draw % 191 : draw % 201;
        return units * 10_000_000L;
    }

    private ClientTransaction sendInvite(final Leg leg, final SipMessage offerSource, final InviteHeaders headers,
        final int maxForwards, final ClientPurpose purpose, final Object context)
    {
        final long clientId = transactions.clients().reserveClientId();
        final String branch = transactions.clients().branch(clientId);
        final SipMessageWriter writer = startInvite(leg, branch, headers, maxForwards);
        if (offerSource != null)
        {
            messages.endWithBodyOf(leg, offerSource, writer);
        }
        else
        {
            writer.endWithoutBody();
        }
        return sendInvite(leg, clientId, branch, offerSource != null && offerSource.bodyLength() > 0, purpose,
            context);
    }

    /** An INVITE on {@code leg} up to its body: request line, dialog headers, Contact, Referred-By, Replaces. */
    private SipMessageWriter startInvite(final Leg leg, final String branch, final InviteHeaders headers,
        final int maxForwards)
    {
        final SipMessageWriter writer =
            messages.startRequest(leg, "INVITE", leg.localCSeq, branch, maxForwards);
        writer.header("Contact", messages.contact(leg.transport, leg.flow));
        if (headers.referredBy() != null)
        {
            writer.header("Referred-By", headers.referredBy());
        }
        if (headers.replaces() != null)
        {
            writer.header("Replaces", headers.replaces());
        }
        if (headers.assertedIdentity() != null)
        {
            writer.header("P-Asserted-Identity", headers.assertedIdentity());
        }
        return writer;
    }

    /** Sends the INVITE written for {@code leg} in a client transaction used for {@code purpose}. */
    private ClientTransaction sendInvite(final Leg leg, final long clientId, final String branch,
        final boolean offered, final ClientPurpose purpose, final Object context)
    {
        final ClientTransaction ct = transactions.clients().sendRequest(
            clientId, branch, SipMethod.INVITE, "INVITE", leg.transport, leg.flow, leg.connectionId);
        ct.use(purpose, context);
        leg.sent(OfferAnswer.Carrier.INVITE, offered, timers.nowNs());
        return ct;
    }
}
