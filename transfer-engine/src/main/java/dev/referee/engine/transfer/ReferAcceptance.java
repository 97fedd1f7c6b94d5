package dev.referee.engine.transfer;

import dev.referee.engine.call.B2bua;
import dev.referee.engine.call.Call;
import dev.referee.engine.call.DialogReference;
import dev.referee.engine.call.Leg;
import dev.referee.engine.config.TransferMode;
import dev.referee.engine.events.EngineEvents;
import dev.referee.engine.events.WebhookRequests;
import dev.referee.engine.state.StateMachine;
import dev.referee.engine.time.EngineTimers;
import dev.referee.engine.transaction.ServerTransaction;
import dev.referee.engine.transaction.TransactionLayer;
import dev.referee.sip.AsciiView;
import dev.referee.sip.HeaderName;
import dev.referee.sip.NameAddr;
import dev.referee.sip.SipMessage;
import dev.referee.sip.SipMessageWriter;
import dev.referee.sip.SipStatus;
import dev.referee.sip.SipUri;

import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A REFER Referee terminates (RFC 3515): checked against the trunk's transfer policy and, when the trunk has one,
 * its webhook (which answers off the engine thread, or times out and leaves the policy's decision); then accepted
 * (202, or 200 per transfer.accept-status) and started as the kind of transfer its Refer-To asks for: blind, or
 * attended/blonde when Replaces names a dialog Referee holds. Engine thread only.
 */
final class ReferAcceptance
{
    private final Transfers owner;
    private final B2bua b2bua;
    private final TransactionLayer transactions;
    private final EngineTimers timers;
    private final EngineEvents events;
    private final WebhookRequests webhooks;
    private final TransferPolicyInForce policy;
    private final ReferNotifier notifier;
    private final BlindTransfer blind;
    private final AttendedTransfer attended;
    private final TransferFailure failure;
    private final AsciiView view = new AsciiView();
    private final ReplacesAuthorization authorization;
    private final NameAddr referTo = new NameAddr();
    private final UnsafeBuffer targetBuffer = new UnsafeBuffer(new byte[0]);
    private final SipUri targetView = new SipUri();
    private final Long2ObjectHashMap<ReferRequest> pendingWebhooks = new Long2ObjectHashMap<>();
    private long nextTransferId = 1;
    private long nextWebhookRequestId = 1;

    ReferAcceptance(final Transfers owner, final B2bua b2bua, final TransactionLayer transactions, final EngineTimers timers, final EngineEvents events,
        final WebhookRequests webhooks, final ReferNotifier notifier, final BlindTransfer blind,
        final AttendedTransfer attended, final TransferFailure failure)
    {
        this.owner = owner;
        this.b2bua = b2bua;
        this.transactions = transactions;
        this.timers = timers;
        this.events = events;
        this.webhooks = webhooks;
        this.policy = new TransferPolicyInForce(b2bua);
        this.notifier = notifier;
        this.blind = blind;
        this.attended = attended;
        this.failure = failure;
        this.authorization = new ReplacesAuthorization(b2bua);
    }

    // ---- snapshot hooks (TransferSnapshots only) -----------------------------------------------------------------

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

    // ---- the REFER -------------------------------------------------------------------------------------------

    /**
     * A REFER in {@code transferor}'s dialog. Returns false when the trunk relays REFERs: the B2BUA then passes it to
     * the other leg like any other request.
     */
    boolean onRefer(final Leg transferor, final SipMessage refer, final ServerTransaction st,
        final InetSocketAddress source)
    {
        transferor.referReceived();
        if (!refer.header(HeaderName.REFER_TO, view) || !referTo.wrap(view.buffer(), view.offset(), view.length()))
        {
            b2bua.messages().respond(
                st, SipStatus.BAD_REQUEST, SipStatus.reasonPhrase(SipStatus.BAD_REQUEST), "Warning", "399 referee \"missing or malformed Refer-To\"");
            return true;
        }
        final SipUri target = referTo.uriView();
        if (target.headersEscapeControlCharacters() ||
            target.header("Replaces", view) && DialogReference.fromUriHeader(view) == null)
        {
            // Validated before anything else: the decoded Replaces goes into the INVITE to the target.
            b2bua.messages().respond(st, SipStatus.BAD_REQUEST, "Warning", "399 referee \"malformed Refer-To header\"");
            return true;
        }
        final Call call = transferor.call();
        final Leg transferee = transferor.peer();
        final String targetUri = withoutHeaders(referTo.uri().toString());
        final String referredBy = refer.header(HeaderName.REFERRED_BY, view) ? view.toString() : transferor.remoteUri();
        events.onReferReceived(timers.nowNs(), call.id(), transferor.remoteUri(),
            transferee != null ? transferee.remoteUri() : "", targetUri, referredBy);

        final TransferPolicy.Decision decision = policy.get().decide(source.getAddress(), target);
        if (decision.mode() == TransferMode.RELAY)
        {
            return false;
        }
        if (!decision.allowed())
        {
            refuse(st, call, SipStatus.FORBIDDEN, decision.refusal());
            return true;
        }
        if (transferee == null || transferee.isTerminated() || !transferee.isConfirmed())
        {
            refuse(st, call, SipStatus.CALL_OR_TRANSACTION_DOES_NOT_EXIST, "nobody to transfer");
            return true;
        }
        if (b2bua.config().keepsOneTransferPerCall() ? call.inTransfer() :
            call.transfer() != null && call.transfer().isActive() || call.pendingRefer() != null)
        {
            refuse(st, call, SipStatus.REQUEST_PENDING, "a transfer is already in progress");
            return true;
        }

        // The INVITE to the target (or the recall) is this REFER's doing: it carries its Max-Forwards (RFC 7332).
        call.triggeredBy(refer);
        final boolean subscribe = !(refer.header(HeaderName.REFER_SUB, view) && view.equalsIgnoreCase("false"));
        final ReferRequest request = new ReferRequest(
            this, st, transferor, referTo.uri().toString(), referredBy, subscribe, refer.cseqNumber());
        final URI webhook = decision.policy().webhook();
        if (webhook != null)
        {
            // The webhook decides off the engine thread; its answer (or its timeout) starts or refuses the transfer.
            request.requestId = nextWebhookRequestId++;
            pendingWebhooks.put(request.requestId, request);
            call.pendingRefer(request);
            request.timer = timers.schedule(b2bua.config().webhookTimeoutNs(), request);
            webhooks.post(request.requestId, webhook,
                WebhookJson.request(call.id(), transferor, transferee, targetUri, referredBy));
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
        request.transferor.call().pendingRefer(null);
        if (!accept)
        {
            refuse(request.st, request.transferor.call(), SipStatus.FORBIDDEN, "transfer rejected by the webhook");
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
        request.transferor.call().pendingRefer(null);
        start(request, null);
    }

    /** Accepts the REFER (202, or 200 per transfer.accept-status) and starts the transfer. */
    private void start(final ReferRequest request, final String newTarget)
    {
        final Leg transferor = request.transferor;
        final Call call = transferor.call();
        final Leg transferee = transferor.peer();
        final ServerTransaction st = request.st;
        if (transferor.isTerminated() || transferee == null || transferee.isTerminated())
        {
            refuse(st, call, SipStatus.CALL_OR_TRANSACTION_DOES_NOT_EXIST, "the call ended before the transfer started");
            return;
        }
        final String referToText = newTarget != null ? newTarget : request.referTo;
        final byte[] targetBytes = referToText.getBytes(StandardCharsets.US_ASCII);
        targetBuffer.wrap(targetBytes);
        if (!targetView.wrap(targetBuffer, 0, targetBytes.length) || !(targetView.isSip() || targetView.isTel()))
        {
            refuse(st, call, SipStatus.FORBIDDEN, "unusable transfer target " + referToText);
            return;
        }
        final SipUri target = targetView;
        final String targetUri = withoutHeaders(referToText);
        // Attended and blonde (RFC 5589 §7): Replaces names a dialog; if it is one of Referee's, join to its far end,
        // provided the transferor may replace it (checked before the REFER is accepted: a refusal changes nothing).
        final DialogReference replaces =
            target.header("Replaces", view) ? DialogReference.fromUriHeader(view) : null;
        final Leg consultation = replaces == null ? null : b2bua.calls().findLeg(replaces);
        final String refusal = consultation == null ? null : authorization.refusal(consultation, transferor.flow());
        if (refusal != null)
        {
            refuse(st, call, SipStatus.FORBIDDEN, refusal);
            return;
        }
        if (consultation != null && consultation.call() != null && consultation.call() != call &&
            b2bua.config().keepsOneTransferPerCall() && consultation.call().inTransfer())
        {
            refuse(st, call, SipStatus.REQUEST_PENDING, "the dialog named by Replaces is in a transfer already");
            return;
        }
        final Leg farEnd = consultation == null ? null : consultation.peer();
        if (farEnd != null && farEnd.isConfirmed() && farEnd.clientInvite() != null &&
            b2bua.config().keepsOneTransferPerCall())
        {
            // The target has an INVITE of Referee's under way (a takeover's re-INVITE): asking it for an offer now
            // would cross it (RFC 3261 §14.1). A 2xx whose ACK Referee still owes (the transferor's ACK not in yet) is
            // no obstacle: the transfer takes that ACK over and sends it with its own answer.
            refuse(st, call, SipStatus.REQUEST_PENDING, "the target's dialog has an INVITE under way");
            return;
        }

        final int accept = b2bua.config().transfer().acceptStatus();
        final SipMessageWriter writer = transactions.startResponse(st, accept, accept == 200 ? "OK" : "Accepted");
        writer.header("Contact", b2bua.messages().contact(transferor.transport(), transferor.flow()));
        if (!request.subscribe)
        {
            writer.header("Refer-Sub", "false");
        }
        writer.endWithoutBody();
        transactions.send(st, accept);

        // RFC 3515 §2.4.6: the first REFER of a dialog is "refer"; later ones are told apart by the REFER's CSeq.
        final String event = !request.subscribe ? null :
            transferor.refersReceived() > 1 ? "refer;id=" + request.cseq : "refer";
        final TransferKind kind = consultation == null ? TransferKind.BLIND : AttendedTransfer.kindOf(consultation);
        final Transfer transfer = new Transfer(
            nextTransferId++, owner, call, transferor, transferee, kind, event, targetUri);
        call.transfer(transfer);
        events.onTransferStarted(timers.nowNs(), call.id(), transfer.id, transfer.kind.wire(), targetUri);
        notifier.notify(transfer, SipStatus.TRYING, SipStatus.reasonPhrase(SipStatus.TRYING));

        if (consultation != null)
        {
            attended.attend(transfer, consultation, replaces.earlyOnly());
            return;
        }
        // A Replaces naming a dialog Referee does not hold goes on to the target, which may hold it.
        blind.callTarget(transfer, target, targetUri, request.referredBy,
            replaces == null ? null : replaces.headerValue());
    }

    private void refuse(final ServerTransaction st, final Call call, final int status, final String why)
    {
        b2bua.messages().respond(st, status, "Reason",
            "SIP;cause=" + status + ";text=\"" + why + "\"");
        events.onTransferRefused(timers.nowNs(), call.id(), status, why);
    }

    private static String withoutHeaders(final String text)
    {
        final int question = text.indexOf('?');
        return question < 0 ? text : text.substring(0, question);
    }
}
