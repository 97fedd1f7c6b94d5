package dev.referee.engine.call;

import dev.referee.engine.state.StateMachine;
import dev.referee.engine.state.Transitions;

import dev.referee.config.RefereeConfig;
import dev.referee.config.Route;
import dev.referee.engine.config.EngineConfig;
import dev.referee.engine.id.IdGenerator;
import dev.referee.engine.events.EngineEvents;
import dev.referee.engine.events.WebhookRequests;
import dev.referee.engine.time.EngineTimers;
import dev.referee.engine.transaction.ClientTransaction;
import dev.referee.engine.transaction.ServerTransaction;
import dev.referee.engine.transaction.TransactionLayer;
import dev.referee.engine.transfer.TransferPolicy;
import dev.referee.sip.AsciiView;
import dev.referee.sip.HeaderName;
import dev.referee.sip.NameAddr;
import dev.referee.sip.SipMessage;
import dev.referee.sip.SipMessageWriter;
import dev.referee.sip.SipUri;

import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Transfers performed in the network: Referee terminates the REFER (RFC 3515), calls the target with an INVITE
 * without offer, and when the target answers with an offer re-INVITEs the transferee with it (RFC 3725 flow: the
 * transferee answers, both sides are acknowledged), then releases the transferor. Progress goes to the transferor
 * as NOTIFY (message/sipfrag). Engine thread only.
 */
final class Transfers
{
    private final B2bua b2bua;
    private final EngineConfig config;
    private final TransactionLayer transactions;
    private final LegMessages messages;
    private final EngineTimers timers;
    private final IdGenerator ids;
    private final EngineEvents events;
    private final Router router;
    private final TransferPolicy policy;
    private final ReferNotifier notifier;
    private final AsciiView view = new AsciiView();
    private final NameAddr referTo = new NameAddr();
    private final UnsafeBuffer targetBuffer = new UnsafeBuffer(new byte[0]);
    private final SipUri targetView = new SipUri();
    private final Long2ObjectHashMap<ReferRequest> pendingWebhooks = new Long2ObjectHashMap<>();
    private final WebhookRequests webhooks;
    private long nextTransferId = 1;
    private long nextWebhookRequestId = 1;

    Transfers(final B2bua b2bua, final EngineConfig config, final TransactionLayer transactions,
        final LegMessages messages, final EngineTimers timers, final IdGenerator ids, final EngineEvents events,
        final Router router, final WebhookRequests webhooks)
    {
        this.webhooks = webhooks;
        this.b2bua = b2bua;
        this.config = config;
        this.transactions = transactions;
        this.messages = messages;
        this.timers = timers;
        this.ids = ids;
        this.events = events;
        this.router = router;
        this.policy = new TransferPolicy(config.trunks());
        this.notifier = new ReferNotifier(transactions, messages);
    }

    Transitions transitions()
    {
        return b2bua.transitions();
    }

    // ---- snapshot hooks (CallSnapshots only) -----------------------------------------------------------------

    Long2ObjectHashMap<ReferRequest> pendingWebhooks()
    {
        return pendingWebhooks;
    }

    long nextTransferId()
    {
        return nextTransferId;
    }

    long nextWebhookRequestId()
    {
        return nextWebhookRequestId;
    }

    void restoreCounters(final long nextTransferId, final long nextWebhookRequestId)
    {
        this.nextTransferId = nextTransferId;
        this.nextWebhookRequestId = nextWebhookRequestId;
    }

    /**
     * A REFER in {@code transferor}'s dialog. Returns false when the trunk relays REFERs: the B2BUA then passes it to
     * the other leg like any other request.
     */
    boolean onRefer(final Leg transferor, final SipMessage refer, final ServerTransaction st,
        final InetSocketAddress source)
    {
        transferor.refersReceived++;
        if (!refer.header(HeaderName.REFER_TO, view) || !referTo.wrap(view.buffer(), view.offset(), view.length()))
        {
            messages.respond(st, 400, "Bad Request", "Warning", "399 referee \"missing or malformed Refer-To\"");
            return true;
        }
        final SipUri target = referTo.uriView();
        if (target.headersEscapeControlCharacters() ||
            target.header("Replaces", view) && DialogReference.fromUriHeader(view) == null)
        {
            // Validated before anything else: the decoded Replaces goes into the INVITE to the target.
            messages.respond(st, 400, "Bad Request", "Warning", "399 referee \"malformed Refer-To header\"");
            return true;
        }
        final Call call = transferor.call;
        final Leg transferee = transferor.peer;
        final String targetUri = withoutHeaders(referTo.uri());
        final String referredBy = refer.header(HeaderName.REFERRED_BY, view) ? view.toString() : transferor.remoteUri;
        events.onReferReceived(timers.nowNs(), call.id, transferor.remoteUri,
            transferee != null ? transferee.remoteUri : "", targetUri, referredBy);

        final TransferPolicy.Decision decision = policy.decide(source.getAddress(), target);
        if (decision.mode() == RefereeConfig.TransferMode.RELAY)
        {
            return false;
        }
        if (!decision.allowed())
        {
            refuse(st, call, 403, "Forbidden", decision.refusal());
            return true;
        }
        if (transferee == null || transferee.isTerminated() || !transferee.isConfirmed())
        {
            refuse(st, call, 481, "Call/Transaction Does Not Exist", "nobody to transfer");
            return true;
        }
        if (call.transfer != null && call.transfer.isActive() || call.pendingRefer != null)
        {
            refuse(st, call, 491, "Request Pending", "a transfer is already in progress");
            return true;
        }

        final boolean subscribe = !(refer.header(HeaderName.REFER_SUB, view) && view.equalsIgnoreCase("false"));
        final ReferRequest request = new ReferRequest(
            this, st, transferor, referTo.uri().toString(), referredBy, subscribe, refer.cseqNumber());
        final URI webhook = decision.policy().webhook();
        if (webhook != null)
        {
            // The webhook decides off the engine thread; its answer (or its timeout) starts or refuses the transfer.
            request.requestId = nextWebhookRequestId++;
            pendingWebhooks.put(request.requestId, request);
            call.pendingRefer = request;
            request.timer = timers.schedule(config.webhookTimeoutNs(), request);
            webhooks.post(request.requestId, webhook,
                WebhookJson.request(call.id, transferor, transferee, targetUri, referredBy));
            return true;
        }
        start(request, null);
        return true;
    }

    /** The webhook answered: accept (with a new target when {@code target} is not empty) or reject. */
    void onWebhookAnswer(final long requestId, final boolean accept, final CharSequence target)
    {
        final ReferRequest request = pendingWebhooks.remove(requestId);
        if (request == null)
        {
            // Too late: the timeout let the policy decide.
            b2bua.transitions().unexpected(StateMachine.TRANSFER, 0, 0, null,
                "webhook answer " + requestId + " after its timeout", timers.nowNs());
            return;
        }
        request.timer = timers.cancel(request.timer);
        request.transferor.call.pendingRefer = null;
        if (!accept)
        {
            refuse(request.st, request.transferor.call, 403, "Forbidden", "transfer rejected by the webhook");
            return;
        }
        start(request, target == null || target.length() == 0 ? null : target.toString());
    }

    /** The webhook did not answer in time: the trunk policy, which allowed the transfer, decides. */
    void onWebhookTimeout(final ReferRequest request)
    {
        if (pendingWebhooks.remove(request.requestId) == null)
        {
            return;
        }
        request.timer = EngineTimers.NO_TIMER;
        request.transferor.call.pendingRefer = null;
        start(request, null);
    }

    /** Accepts the REFER (202, or 200 per transfer.accept-status) and starts the transfer. */
    private void start(final ReferRequest request, final String newTarget)
    {
        final Leg transferor = request.transferor;
        final Call call = transferor.call;
        final Leg transferee = transferor.peer;
        final ServerTransaction st = request.st;
        if (transferor.isTerminated() || transferee == null || transferee.isTerminated())
        {
            refuse(st, call, 481, "Call/Transaction Does Not Exist", "the call ended before the transfer started");
            return;
        }
        final String referToText = newTarget != null ? newTarget : request.referTo;
        final byte[] targetBytes = referToText.getBytes(StandardCharsets.US_ASCII);
        targetBuffer.wrap(targetBytes);
        if (!targetView.wrap(targetBuffer, 0, targetBytes.length) || !(targetView.isSip() || targetView.isTel()))
        {
            refuse(st, call, 403, "Forbidden", "unusable transfer target " + referToText);
            return;
        }
        final SipUri target = targetView;
        final String targetUri = withoutHeaders(referToText);

        final int accept = config.transfer().acceptStatus();
        final SipMessageWriter writer = transactions.startResponse(st, accept, accept == 200 ? "OK" : "Accepted");
        writer.header("Contact", messages.contact(transferor.transport, transferor.flow));
        if (!request.subscribe)
        {
            writer.header("Refer-Sub", "false");
        }
        writer.endWithoutBody();
        transactions.send(st, accept);

        // RFC 3515 §2.4.6: the first REFER of a dialog is "refer"; later ones are told apart by the REFER's CSeq.
        final String event = !request.subscribe ? null :
            transferor.refersReceived > 1 ? "refer;id=" + request.cseq : "refer";
        // Attended and blonde (RFC 5589 §7): Replaces names a dialog; if it is one of Referee's, join to its far end.
        final DialogReference replaces = target.header("Replaces", view) ? DialogReference.fromUriHeader(view) : null;
        final Leg consultation = replaces == null ? null : b2bua.findLeg(replaces);
        final TransferKind kind = consultation == null ? TransferKind.BLIND :
            consultation.peer != null && consultation.peer.wasAnswered() ? TransferKind.ATTENDED : TransferKind.BLONDE;
        final Transfer transfer = new Transfer(
            nextTransferId++, this, call, transferor, transferee, kind, event, targetUri);
        call.transfer = transfer;
        events.onTransferStarted(timers.nowNs(), call.id, transfer.id, transfer.kind.wire(), targetUri);
        notifier.notify(transfer, 100, "Trying");

        if (consultation != null)
        {
            attend(transfer, consultation);
            return;
        }
        final Route route = router.route(target.user());
        if (route == null)
        {
            targetFailed(transfer, 404, "Not Found", "no route to the transfer target");
            return;
        }
        // A Replaces naming a dialog Referee does not hold goes on to the target, which may hold it.
        callTarget(transfer, route, target, targetUri, request.referredBy,
            replaces == null ? null : replaces.headerValue());
    }

    /** Attended (the target answered the consultation) or blonde (it still rings): join the transferee to it. */
    private void attend(final Transfer transfer, final Leg consultation)
    {
        final Leg other = consultation.peer;
        if (consultation == transfer.transferor || consultation.call == transfer.call || other == null ||
            other.isTerminated() || consultation.isTerminated())
        {
            targetFailed(transfer, 481, "Call/Transaction Does Not Exist", "the dialog named by Replaces is over");
            return;
        }
        transfer.consultation = consultation;
        transfer.target = other;
        transfer.state(Transfer.State.SOLICITING, timers.nowNs(), "Replaces names a dialog of ours");
        if (other.isConfirmed())
        {
            solicitOffer(transfer);
        }
        else
        {
            other.call.blonde = transfer; // the B2BUA hands the target's answer over (onBlondeAnswered)
        }
    }

    /** The target's dialog is re-INVITEd without offer: its 2xx brings the offer the transferee will answer. */
    private void solicitOffer(final Transfer transfer)
    {
        final Leg other = transfer.target;
        other.clientInvite = b2bua.reInvite(other, null, ClientPurpose.OFFER_REINVITE, transfer);
    }

    /** Blonde: the target the transferor was calling answered (the B2BUA acknowledged it and ended the consultation). */
    void onBlondeAnswered(final Transfer transfer)
    {
        transfer.target.call.blonde = null;
        transfer.kind = TransferKind.BLONDE;
        solicitOffer(transfer);
    }

    /** Blonde: the target the transferor was calling refused; the consultation call ends as usual. */
    void onBlondeFailed(final Transfer transfer, final int status, final String reason)
    {
        transfer.target.call.blonde = null;
        targetFailed(transfer, status, reason, "the target answered " + status);
    }

    /** Blonde: the target rings. */
    void onBlondeRinging(final Transfer transfer, final int status, final String reason)
    {
        events.onTransferTargetRinging(timers.nowNs(), transfer.call.id, transfer.id, status);
        notifier.notify(transfer, status, reason);
    }

    /** The transferor hung up (BYE). Returns true when the transfer took care of it (the transferee stays). */
    boolean onTransferorBye(final Transfer transfer)
    {
        if (transfer.isActive())
        {
            return true; // many desk phones hang up right after the 202: the transferee waits for the target
        }
        if (transfer.state() == Transfer.State.COMPLETED)
        {
            transfer.transferorByeTimer = timers.cancel(transfer.transferorByeTimer);
            b2bua.release(transfer.call, EndCause.TRANSFERRED, 0);
            return true;
        }
        return false;
    }

    /** The transferee hung up while the transfer was under way: the target is no longer wanted. */
    void onTransfereeGone(final Transfer transfer)
    {
        abandonTarget(transfer);
        finish(transfer, 487, "Request Terminated", "the transferee hung up");
    }

    /** A NOTIFY of {@code transfer} got its final response or timed out. */
    void onNotifyDone(final ClientTransaction ct)
    {
        notifier.onNotifyDone((Transfer)ct.context());
    }

    void onResponse(final ClientTransaction ct, final SipMessage response)
    {
        final Transfer transfer = (Transfer)ct.context();
        final ClientPurpose purpose = ClientPurpose.of(ct);
        if (purpose == ClientPurpose.TARGET_INVITE)
        {
            onTargetResponse(transfer, ct, response);
        }
        else if (purpose == ClientPurpose.JOIN_REINVITE)
        {
            onJoinResponse(transfer, response);
        }
        else if (purpose == ClientPurpose.OFFER_REINVITE)
        {
            onOfferResponse(transfer, response);
        }
    }

    private void onOfferResponse(final Transfer transfer, final SipMessage response)
    {
        final int status = response.statusCode();
        if (status < 200)
        {
            return;
        }
        if (transfer.state() != Transfer.State.SOLICITING)
        {
            unexpected(transfer, "answer " + status + " to the target's re-INVITE");
            return;
        }
        final Leg other = transfer.target;
        other.clientInvite = null;
        if (status >= 300)
        {
            targetFailed(transfer, status, response.reasonPhrase().toString(),
                "the target refused the re-INVITE (" + status + ")");
            return;
        }
        other.ackPendingCSeq = response.cseqNumber();
        if (response.bodyLength() == 0)
        {
            messages.sendAck(other, null);
            targetFailed(transfer, 488, "Not Acceptable Here", "the target's re-INVITE answer had no offer");
            return;
        }
        transfer.state(Transfer.State.JOINING, timers.nowNs(), "the target offered");
        final Leg transferee = transfer.transferee;
        transferee.clientInvite = b2bua.reInvite(transferee, response, ClientPurpose.JOIN_REINVITE, transfer);
    }

    void onTimeout(final ClientTransaction ct)
    {
        final Transfer transfer = (Transfer)ct.context();
        final ClientPurpose purpose = ClientPurpose.of(ct);
        if (purpose == ClientPurpose.TARGET_INVITE && transfer.target != null && transfer.target.clientInvite == ct)
        {
            abandonTarget(transfer);
            targetFailed(transfer, 408, "Request Timeout", "the target did not answer");
        }
        else if (purpose == ClientPurpose.JOIN_REINVITE)
        {
            transfer.transferee.clientInvite = null;
            if (transfer.consultation == null)
            {
                abandonTarget(transfer);
            }
            targetFailed(transfer, 408, "Request Timeout", "the transferee did not answer the re-INVITE");
        }
        else if (purpose == ClientPurpose.OFFER_REINVITE)
        {
            transfer.target.clientInvite = null;
            targetFailed(transfer, 408, "Request Timeout", "the target did not answer the re-INVITE");
        }
    }

    void onTimer(final Transfer transfer, final long timerId)
    {
        if (timerId == transfer.ringTimer)
        {
            transfer.ringTimer = EngineTimers.NO_TIMER;
            if (transfer.state() == Transfer.State.CALLING_TARGET || transfer.state() == Transfer.State.RECALLING)
            {
                abandonTarget(transfer);
                targetFailed(transfer, 408, "Request Timeout", "no answer within transfer.ring-timeout");
            }
        }
        else if (timerId == transfer.transferorByeTimer)
        {
            // transfer.transferor-bye-timeout: the transferor did not hang up after a completed transfer.
            transfer.transferorByeTimer = EngineTimers.NO_TIMER;
            if (!transfer.transferor.isTerminated())
            {
                b2bua.hangUp(transfer.transferor, transfer.call, EndCause.TRANSFERRED);
            }
        }
    }

    // ---- the target ------------------------------------------------------------------------------------------

    private void callTarget(final Transfer transfer, final Route route, final SipUri target, final String targetUri,
        final String referredBy, final String replaces)
    {
        final Leg leg = b2bua.newLeg(transfer.call);
        leg.callId = ids.callId();
        leg.localTag = ids.tag(leg.id);
        leg.localUri = transfer.transferee.remoteUri; // the transferee's identity, as the target will see it
        leg.remoteUri = "<" + targetUri + ">";
        leg.remoteTarget = messages.strings().requestUri(target.user(), router.targetSuffix(route));
        leg.transport = route.transport();
        leg.flow = route.target();
        dial(transfer, leg, new InviteHeaders(referredBy, replaces));
    }

    /** The transferor is gone and the target failed: call the transferor back (transfer.on-failure: recall). */
    private void recall(final Transfer transfer)
    {
        final Leg transferor = transfer.transferor;
        final Leg leg = b2bua.newLeg(transfer.call);
        leg.callId = ids.callId();
        leg.localTag = ids.tag(leg.id);
        leg.localUri = transfer.transferee.remoteUri;
        leg.remoteUri = transferor.remoteUri;
        leg.remoteTarget = transferor.remoteTarget;
        leg.routeSet = transferor.routeSet;
        leg.transport = transferor.transport;
        leg.flow = transferor.flow;
        leg.connectionId = transferor.connectionId;
        transfer.state(Transfer.State.RECALLING, timers.nowNs(), "recalling the transferor");
        transfer.consultation = null;
        dial(transfer, leg, InviteHeaders.NONE);
    }

    private void dial(final Transfer transfer, final Leg leg, final InviteHeaders headers)
    {
        transfer.target = leg;
        leg.clientInvite = b2bua.invite(leg, headers, ClientPurpose.TARGET_INVITE, transfer);
        transfer.ringTimer = timers.schedule(config.transferRingTimeoutNs(), transfer);
    }

    private void onTargetResponse(final Transfer transfer, final ClientTransaction ct, final SipMessage response)
    {
        final Leg leg = transfer.target;
        final int status = response.statusCode();
        if (leg == null || leg.clientInvite != ct)
        {
            // An INVITE given up already (after a provisional: CANCEL sent): only stragglers get here.
            unexpected(transfer, "answer " + status + " to a target INVITE given up");
            return;
        }
        leg.connectionId = ct.connectionId();
        if (status < 200)
        {
            b2bua.learnDialog(leg, response, false);
            if (status > 100 && transfer.state() == Transfer.State.CALLING_TARGET)
            {
                events.onTransferTargetRinging(timers.nowNs(), transfer.call.id, transfer.id, status);
                notifier.notify(transfer, status, response.reasonPhrase().toString());
            }
            return;
        }
        leg.clientInvite = null;
        transfer.ringTimer = timers.cancel(transfer.ringTimer);
        if (status >= 300)
        {
            b2bua.dropLeg(leg);
            targetFailed(transfer, status, response.reasonPhrase().toString(), "the target answered " + status);
            return;
        }
        b2bua.learnDialog(leg, response, true);
        leg.state(Leg.State.CONFIRMED, timers.nowNs(), "target answered");
        leg.ackPendingCSeq = response.cseqNumber();
        if (response.bodyLength() == 0)
        {
            messages.sendAck(leg, null);
            b2bua.hangUp(leg, null, null);
            targetFailed(transfer, 488, "Not Acceptable Here", "the target answered without an offer");
            return;
        }
        // The target's offer goes to the transferee in a re-INVITE; its answer will go back in the target's ACK.
        transfer.state(Transfer.State.JOINING, timers.nowNs(), "the target answered with an offer");
        final Leg transferee = transfer.transferee;
        transferee.clientInvite = b2bua.reInvite(transferee, response, ClientPurpose.JOIN_REINVITE, transfer);
    }

    private void onJoinResponse(final Transfer transfer, final SipMessage response)
    {
        final int status = response.statusCode();
        if (status < 200)
        {
            return;
        }
        if (transfer.state() != Transfer.State.JOINING)
        {
            unexpected(transfer, "answer " + status + " to the transferee's re-INVITE");
            return;
        }
        final Leg transferee = transfer.transferee;
        transferee.clientInvite = null;
        if (status >= 300)
        {
            if (transfer.consultation == null)
            {
                abandonTarget(transfer);
            }
            else
            {
                messages.sendAck(transfer.target, null); // the target's re-INVITE stays as it was
            }
            targetFailed(transfer, status, response.reasonPhrase().toString(),
                "the transferee refused the target's media (" + status + ")");
            return;
        }
        transferee.ackPendingCSeq = response.cseqNumber();
        messages.sendAck(transferee, null);
        messages.sendAck(transfer.target, response);
        complete(transfer);
    }

    // ---- outcomes --------------------------------------------------------------------------------------------

    private void complete(final Transfer transfer)
    {
        final boolean recalled = transfer.target.remoteUri.equals(transfer.transferor.remoteUri) &&
            transfer.transferor.isTerminated();
        transfer.state(Transfer.State.COMPLETED, timers.nowNs(), "the transferee answered");
        final Call consultationCall = transfer.target.call;
        final Call child = b2bua.newCall(transfer.call.id, transfer.transferee, transfer.target);
        transfer.transferor.peer = null;
        final Leg consultation = transfer.consultation;
        if (consultation != null)
        {
            // The transferor's consultation dialog is replaced (RFC 3891): it ends with BYE, or at once if early.
            consultation.peer = null;
            if (consultation.wasAnswered())
            {
                b2bua.hangUp(consultation, consultationCall, EndCause.TRANSFERRED);
            }
            else
            {
                b2bua.release(consultationCall, EndCause.TRANSFERRED, 0);
            }
        }
        final long now = timers.nowNs();
        events.onCallCreated(now, child.id, transfer.call.id, transfer.transferee.callId, transfer.target.callId,
            transfer.transferee.remoteUri, transfer.target.remoteUri, transfer.target.remoteTarget);
        events.onLegAnswered(now, child.id);
        if (!recalled)
        {
            events.onTransferCompleted(now, transfer.call.id, transfer.id, child.id);
            notifier.notify(transfer, 200, "OK");
        }
        if (transfer.transferor.isTerminated())
        {
            b2bua.release(transfer.call, recalled ? EndCause.TRANSFER_FAILED : EndCause.TRANSFERRED, 0);
        }
        else
        {
            // The transferor hangs up its original dialog itself after the final NOTIFY (RFC 5589); a BYE from Referee
            // at once would cross it. transfer.transferor-bye-timeout releases a transferor that does not.
            transfer.transferorByeTimer = timers.schedule(config.transferorByeTimeoutNs(), transfer);
        }
    }

    /** The target (or the recalled transferor) did not take the call. */
    private void targetFailed(final Transfer transfer, final int status, final String reason, final String why)
    {
        if (transfer.state() == Transfer.State.RECALLING)
        {
            transfer.state(Transfer.State.FAILED, timers.nowNs(), why);
            b2bua.hangUp(transfer.transferee, transfer.call, EndCause.TRANSFER_FAILED);
            return;
        }
        finish(transfer, status, reason, why);
        if (!transfer.transferor.isTerminated())
        {
            return; // the transferor is still there: the original call stays joined, it can take the transferee back
        }
        if (transfer.transferee.isTerminated())
        {
            b2bua.release(transfer.call, EndCause.TRANSFER_FAILED, status);
        }
        else if (config.transfer().onFailure() == RefereeConfig.OnTransferFailure.RECALL)
        {
            recall(transfer);
        }
        else
        {
            b2bua.hangUp(transfer.transferee, transfer.call, EndCause.TRANSFER_FAILED);
        }
    }

    private void finish(final Transfer transfer, final int status, final String reason, final String why)
    {
        transfer.state(Transfer.State.FAILED, timers.nowNs(), why);
        transfer.ringTimer = timers.cancel(transfer.ringTimer);
        events.onTransferFailed(timers.nowNs(), transfer.call.id, transfer.id, status, why);
        notifier.notify(transfer, status, reason);
    }

    /** Stops calling the target: CANCEL while it rings, BYE once it answered. */
    private void abandonTarget(final Transfer transfer)
    {
        final Leg leg = transfer.target;
        if (leg == null || leg.isTerminated())
        {
            return;
        }
        final ClientTransaction invite = leg.clientInvite;
        if (invite != null && invite.finalStatus() == 0)
        {
            leg.clientInvite = null;
            if (invite.provisionalSeen())
            {
                messages.sendCancel(invite);
            }
            else
            {
                b2bua.cancelWhenProvisional(invite, leg);
            }
            b2bua.dropLeg(leg);
        }
        else if (leg.isConfirmed())
        {
            if (leg.ackPendingCSeq >= 0)
            {
                messages.sendAck(leg, null);
            }
            b2bua.hangUp(leg, null, null);
        }
    }

    private void refuse(final ServerTransaction st, final Call call, final int status, final String reasonPhrase,
        final String why)
    {
        messages.respond(st, status, reasonPhrase, "Reason", "SIP;cause=" + status + ";text=\"" + why + "\"");
        events.onTransferRefused(timers.nowNs(), call.id, status, why);
    }

    private void unexpected(final Transfer transfer, final String event)
    {
        b2bua.transitions().unexpected(StateMachine.TRANSFER, transfer.id, transfer.call.id, transfer.state(), event,
            timers.nowNs());
    }

    private static String withoutHeaders(final AsciiView uri)
    {
        return withoutHeaders(uri.toString());
    }

    private static String withoutHeaders(final String text)
    {
        final int question = text.indexOf('?');
        return question < 0 ? text : text.substring(0, question);
    }
}
