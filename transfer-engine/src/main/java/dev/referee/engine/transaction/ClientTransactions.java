package dev.referee.engine.transaction;

import dev.referee.engine.id.IdGenerator;
import dev.referee.engine.message.Outbox;
import dev.referee.engine.message.StoredMessage;
import dev.referee.engine.time.EngineTimers;
import dev.referee.sip.AsciiView;
import dev.referee.sip.HeaderName;
import dev.referee.sip.SipLimits;
import dev.referee.sip.SipMessage;
import dev.referee.sip.SipMessageWriter;
import dev.referee.sip.SipMethod;
import dev.referee.sip.Via;
import org.agrona.collections.Long2ObjectHashMap;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;

/**
 * The client side of the {@link TransactionLayer} (RFC 3261 §17.1, RFC 6026 §7.2): sends each request Referee
 * originates as a client transaction, matches responses to them by the branch Referee made, runs their state machines
 * and Timers A to F, C, D, K and M, and writes the CANCEL of an INVITE and the ACK of its non-2xx final response. The
 * layer keeps what both sides share: the TU, the rows of waiting transactions, the count of those waiting. Engine
 * thread only.
 */
public final class ClientTransactions
{
    private static final Comparator<ClientTransaction> BY_ID = Comparator.comparingLong(ClientTransaction::id);

    private final TransactionLayer layer;
    private final Long2ObjectHashMap<ClientTransaction> byKey = new Long2ObjectHashMap<>();
    /** Scratch of {@link #onTransportFailure}: at most every client transaction, reused. */
    private final ArrayList<ClientTransaction> failed = new ArrayList<>();
    /** Transactions that completed during the current input, to detach from their TU when the input is done. */
    private final ArrayList<ClientTransaction> completed = new ArrayList<>();
    private final EngineTimers timers;
    private final Outbox outbox;
    private final IdGenerator ids;
    private final long t1Ns;
    private final long t2Ns;
    private final long t4Ns;
    private final long timerCNs;
    /** {@code sip.user-agent}: copied from the INVITE into its CANCEL and ACK; null: none. */
    private final String agent;
    private final AsciiView view = new AsciiView();
    private final SipMessage stored = new SipMessage();
    /** RFC 6026 Accepted INVITE client transactions, Timer M (EngineConfig.keepsInviteClientTransactionsAccepted). */
    private boolean keepsAccepted;
    private long nextId = 1;

    ClientTransactions(final TransactionLayer layer, final EngineTimers timers, final Outbox outbox,
        final IdGenerator ids, final long t1Ns, final long t2Ns, final long t4Ns, final long timerCNs,
        final String agent)
    {
        this.layer = layer;
        this.timers = timers;
        this.outbox = outbox;
        this.ids = ids;
        this.t1Ns = t1Ns;
        this.t2Ns = t2Ns;
        this.t4Ns = t4Ns;
        this.timerCNs = timerCNs;
        this.agent = agent;
    }

    /** RFC 6026 §7.2: an INVITE client transaction stays Accepted for Timer M after its first 2xx. */
    void keepAccepted(final boolean keepsAccepted)
    {
        this.keepsAccepted = keepsAccepted;
    }

    /** Client transactions held as objects (not those waiting as rows). */
    public int size()
    {
        return byKey.size();
    }

    /** Reserves the id of the next client transaction, and returns the branch to write in its Via. */
    public long reserveClientId()
    {
        return nextId++;
    }

    public String branch(final long clientId)
    {
        return ids.branch(clientId);
    }

    /** Sends the request just written in the outbox as a new client transaction. */
    public ClientTransaction sendRequest(final long clientId, final String branch, final int method,
        final String methodName, final int transport, final InetSocketAddress destination, final long connectionId)
    {
        final StoredMessage request = outbox.copyOfMessage();
        outbox.send(transport, destination, connectionId, method, 0);
        final ClientTransaction ct = new ClientTransaction(
            this, clientId, branch, method, methodName, transport, destination, connectionId, request);
        byKey.put(key(clientId, method), ct);
        if (method == SipMethod.INVITE)
        {
            ct.state = ClientTransaction.State.CALLING;
            ct.timeoutTimer = timers.schedule(64 * t1Ns, ct); // Timer B
        }
        else
        {
            ct.state = ClientTransaction.State.TRYING;
            ct.timeoutTimer = timers.schedule(64 * t1Ns, ct); // Timer F
        }
        if (!TransactionLayer.isReliable(transport))
        {
            ct.retransmitIntervalNs = t1Ns;
            ct.retransmitTimer = timers.schedule(t1Ns, ct); // Timer A or E
        }
        return ct;
    }

    /** The client transaction a response belongs to, by the branch Referee made (RFC 3261 §17.1.3); null when none. */
    public ClientTransaction matchResponse(final SipMessage response)
    {
        final Via via = response.topVia();
        if (via == null)
        {
            return null;
        }
        final AsciiView branch = via.branch();
        final long id = IdGenerator.idOf(branch, IdGenerator.BRANCH_COOKIE.length());
        if (id < 0 || !branch.startsWith(IdGenerator.BRANCH_COOKIE))
        {
            return null;
        }
        final ClientTransaction ct = byKey.get(key(id, response.cseqMethod()));
        return ct != null && branch.contentEquals(ct.branch) ? ct : null;
    }

    /**
     * Right after {@link #matchResponse} found no transaction for {@code response}: the row of a client transaction
     * waiting for it, and what it did (RFC 6026 §7.2, RFC 3261 §17.1.1.2 and §17.1.2.2).
     */
    public TransactionLayer.WaitingResponse onWaitingResponse(final SipMessage response, final InetSocketAddress source,
        final long nowNs)
    {
        return layer.waitsAsRows() ?
            layer.waitingRows().onResponse(response, source, layer.user(), timers.nowNs(), nowNs) :
            TransactionLayer.WaitingResponse.NONE;
    }

    /** A response matched to {@code ct}: run the state machine and pass it up when the TU should see it. */
    public void onResponse(final ClientTransaction ct, final SipMessage response, final long connectionId,
        final long nowNs)
    {
        final int status = response.statusCode();
        if (connectionId != 0)
        {
            ct.connectionId = connectionId;
        }
        switch (ct.state)
        {
            case CALLING:
            case TRYING:
            case PROCEEDING:
                if (status < 200)
                {
                    ct.provisionalSeen = true;
                    if (ct.method == SipMethod.INVITE)
                    {
                        // Timer A and B belong to Calling (RFC 3261 Figure 5); while it rings, Timer C (§16.6)
                        // bounds the wait, reset by every provisional.
                        ct.retransmitTimer = timers.cancel(ct.retransmitTimer);
                        if (!ct.timerCFired)
                        {
                            ct.timeoutTimer = timers.cancel(ct.timeoutTimer);
                            ct.timeoutTimer = timers.schedule(timerCNs, ct);
                        }
                    }
                    else if (ct.state == ClientTransaction.State.TRYING && ct.retransmitTimer != EngineTimers.NO_TIMER)
                    {
                        // Timer E goes on at T2 in Proceeding (RFC 3261 §17.1.2.2).
                        ct.retransmitTimer = timers.cancel(ct.retransmitTimer);
                        ct.retransmitIntervalNs = t2Ns;
                        ct.retransmitTimer = timers.schedule(t2Ns, ct);
                    }
                    ct.state = ClientTransaction.State.PROCEEDING;
                    layer.user().onResponse(ct, response, nowNs);
                    return;
                }
                ct.finalStatus = status;
                ct.retransmitTimer = timers.cancel(ct.retransmitTimer);
                ct.timeoutTimer = timers.cancel(ct.timeoutTimer);
                if (ct.method == SipMethod.INVITE && status < 300)
                {
                    if (keepsAccepted)
                    {
                        accept(ct);
                    }
                    else
                    {
                        terminate(ct);
                    }
                    layer.user().onResponse(ct, response, nowNs);
                    return;
                }
                if (ct.method == SipMethod.INVITE)
                {
                    ct.ack = writeAckForFailure(ct, response);
                    outbox.resend(ct.transport, ct.destination, ct.connectionId, ct.ack);
                }
                ct.state = ClientTransaction.State.COMPLETED;
                layer.countWaiting(1);
                if (TransactionLayer.isReliable(ct.transport))
                {
                    terminate(ct);
                }
                else
                {
                    if (!layer.waitsAsRows())
                    {
                        // Timer D (INVITE, at least 32 s) or Timer K (non-INVITE, T4).
                        ct.timeoutTimer = timers.schedule(ct.method == SipMethod.INVITE ? 64 * t1Ns : t4Ns, ct);
                    }
                    completed.add(ct); // as rows: Timer D or K is the row's expiry
                }
                layer.user().onResponse(ct, response, nowNs);
                return;
            case COMPLETED:
                if (ct.ack != null && status >= 300)
                {
                    outbox.resend(ct.transport, ct.destination, ct.connectionId, ct.ack); // final retransmitted
                }
                return;
            case ACCEPTED:
                // RFC 6026 §7.2: a 2xx (the same again, or another fork's) goes to the TU, which acknowledges it; any
                // other response is absorbed.
                if (status >= 200 && status < 300)
                {
                    layer.user().onAcceptedResponse(response, nowNs);
                }
                return;
            default:
        }
    }

    /**
     * RFC 6026 §7.2: after its first 2xx an INVITE client transaction stays Accepted for Timer M (64*T1, every
     * transport), so that a 2xx retransmitted, or sent by another fork, still finds it and reaches the TU. Nothing is
     * retransmitted and nothing is cancelled any more: the request goes back.
     */
    private void accept(final ClientTransaction ct)
    {
        ct.state = ClientTransaction.State.ACCEPTED;
        layer.countWaiting(1);
        outbox.release(ct.request);
        ct.request = null;
        if (!layer.waitsAsRows())
        {
            ct.timeoutTimer = timers.schedule(64 * t1Ns, ct); // Timer M
        }
        completed.add(ct); // as rows: Timer M is the row's expiry
    }

    /**
     * RFC 3261 §8.1.3.1: the connection a request went on failed (refused, reset, TLS failed). Every client transaction
     * sent to {@code destination} over {@code transport} that has had no response at all ends, and its TU hears of it
     * as of Timer B or F firing now: a route's next target is tried at once instead of after 64*T1. One that has had
     * a provisional is left to its timers (Timer C cancels it as before). In id order, so that a replay (whose
     * map may be built in another order after a snapshot) sends the same bytes.
     *
     * @return the number of transactions ended.
     */
    public int onTransportFailure(final int transport, final InetSocketAddress destination, final long nowNs)
    {
        failed.clear();
        for (final ClientTransaction ct : byKey.values())
        {
            if (ct.transport == transport && destination.equals(ct.destination) &&
                (ct.state == ClientTransaction.State.CALLING || ct.state == ClientTransaction.State.TRYING))
            {
                failed.add(ct);
            }
        }
        failed.sort(BY_ID);
        final int count = failed.size();
        for (int i = 0; i < count; i++)
        {
            final ClientTransaction ct = failed.get(i);
            if (ct.state == ClientTransaction.State.CALLING || ct.state == ClientTransaction.State.TRYING)
            {
                terminate(ct);
                layer.user().onTimeout(ct, nowNs);
            }
        }
        failed.clear();
        return count;
    }

    void onTimer(final ClientTransaction ct, final long timerId, final long nowNs)
    {
        if (timerId == ct.retransmitTimer)
        {
            outbox.resend(ct.transport, ct.destination, ct.connectionId, ct.request);
            // Timer A doubles without bound; Timer E doubles up to T2.
            ct.retransmitIntervalNs = ct.method == SipMethod.INVITE ?
                2 * ct.retransmitIntervalNs : Math.min(2 * ct.retransmitIntervalNs, t2Ns);
            ct.retransmitTimer = timers.scheduleRetransmission(ct.retransmitIntervalNs, ct);
        }
        else if (timerId == ct.timeoutTimer)
        {
            ct.timeoutTimer = EngineTimers.NO_TIMER;
            if (ct.method == SipMethod.INVITE && ct.state == ClientTransaction.State.PROCEEDING && !ct.timerCFired)
            {
                // Timer C: the TU cancels; the transaction stays to acknowledge the 487, for at most 64*T1 more.
                ct.timerCFired = true;
                ct.timeoutTimer = timers.schedule(64 * t1Ns, ct);
                layer.user().onTimeout(ct, nowNs);
                return;
            }
            final boolean timedOut = ct.state != ClientTransaction.State.COMPLETED &&
                ct.state != ClientTransaction.State.ACCEPTED && !ct.timerCFired;
            terminate(ct); // Timer B, D, F, K or M
            if (timedOut)
            {
                layer.user().onTimeout(ct, nowNs);
            }
        }
    }

    /**
     * Sends CANCEL for an INVITE client transaction (RFC 3261 §9.1): same Request-URI, Call-ID, From, To, CSeq
     * number and Via branch, as its own non-INVITE client transaction.
     */
    public ClientTransaction sendCancel(final ClientTransaction invite)
    {
        startCancel(invite).endWithoutBody();
        return sendCancelWritten(invite);
    }

    /**
     * The CANCEL of {@link #sendCancel}, its headers written but not ended: add headers, end it, then
     * {@link #sendCancelWritten}.
     */
    public SipMessageWriter startCancel(final ClientTransaction invite)
    {
        final SipMessage request = storedRequest(invite);
        final SipMessageWriter writer = outbox.begin().requestLine("CANCEL", request.requestUri());
        copyHeaders(request, HeaderName.VIA, writer, true);
        copyHeaders(request, HeaderName.ROUTE, writer, false);
        writer.header("From", request.from().value());
        writer.header("To", request.to().value());
        writer.header("Call-ID", request.callId());
        writer.startHeader("CSeq").append(request.cseqNumber()).append(" CANCEL").endHeader();
        writer.header("Max-Forwards", SipLimits.MAX_FORWARDS);
        if (agent != null)
        {
            copyHeaders(request, HeaderName.USER_AGENT, writer, true); // Referee's, as in every request it sends
        }
        return writer;
    }

    /** Sends the CANCEL of {@code invite} just written ({@link #startCancel}) as its own client transaction. */
    public ClientTransaction sendCancelWritten(final ClientTransaction invite)
    {
        return sendRequest(invite.id, invite.branch, SipMethod.CANCEL, "CANCEL", invite.transport, invite.destination,
            invite.connectionId);
    }

    /** Ends a client transaction now. */
    public void terminate(final ClientTransaction ct)
    {
        if (ct.state == ClientTransaction.State.COMPLETED || ct.state == ClientTransaction.State.ACCEPTED)
        {
            layer.countWaiting(-1);
        }
        ct.retransmitTimer = timers.cancel(ct.retransmitTimer);
        ct.timeoutTimer = timers.cancel(ct.timeoutTimer);
        ct.state = ClientTransaction.State.TERMINATED;
        byKey.remove(key(ct.id, ct.method), ct);
        outbox.release(ct.ack);
        ct.ack = null;
        // A terminated INVITE without a final response may still be cancelled by its TU (CANCEL copies the request's
        // headers); after a final response nothing needs it.
        if (ct.method != SipMethod.INVITE || ct.finalStatus != 0)
        {
            outbox.release(ct.request);
            ct.request = null;
        }
    }

    /**
     * Once the current input is handled ({@link TransactionLayer#detachCompleted}): a completed client transaction
     * only absorbs retransmitted responses (Timers D and K) and an accepted INVITE one hands later 2xx to the TU by
     * their tags (Timer M), so both let go of the TU's objects, or leave as rows from node-start version 11 on.
     */
    void detachCompleted()
    {
        for (int i = 0, n = completed.size(); i < n; i++)
        {
            final ClientTransaction ct = completed.get(i);
            if (ct.state == ClientTransaction.State.COMPLETED || ct.state == ClientTransaction.State.ACCEPTED)
            {
                ct.context = null;
                if (layer.waitsAsRows())
                {
                    // For the Timer M, D or K it did not schedule, from now (the input that gave it its final
                    // response); the object ends, and the TU, which may still hold it, sees it terminated.
                    layer.waitingRows().add(ct, timers.nowNs());
                    terminate(ct);
                }
            }
        }
        completed.clear();
    }

    // ---- snapshot hooks (TransactionSnapshots only) ------------------------------------------------------------

    Long2ObjectHashMap<ClientTransaction> byKey()
    {
        return byKey;
    }

    long nextId()
    {
        return nextId;
    }

    void restoreNextId(final long nextId)
    {
        this.nextId = nextId;
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    /**
     * The ACK for a non-2xx final response (RFC 3261 §17.1.1.3): Request-URI, Call-ID, From, CSeq number, top Via and
     * Route of the INVITE, To of the response.
     */
    private StoredMessage writeAckForFailure(final ClientTransaction ct, final SipMessage response)
    {
        final String to = response.to().value().toString();
        final SipMessage request = storedRequest(ct);
        final SipMessageWriter writer = outbox.begin().requestLine("ACK", request.requestUri());
        copyHeaders(request, HeaderName.VIA, writer, true);
        copyHeaders(request, HeaderName.ROUTE, writer, false);
        writer.header("From", request.from().value());
        writer.header("To", to);
        writer.header("Call-ID", request.callId());
        writer.startHeader("CSeq").append(request.cseqNumber()).append(" ACK").endHeader();
        writer.header("Max-Forwards", SipLimits.MAX_FORWARDS);
        if (agent != null)
        {
            copyHeaders(request, HeaderName.USER_AGENT, writer, true); // Referee's, as in every request it sends
        }
        writer.endWithoutBody();
        return outbox.copyOfMessage();
    }

    private SipMessage storedRequest(final ClientTransaction ct)
    {
        stored.parse(ct.request.buffer(), 0, ct.request.length());
        return stored;
    }

    private void copyHeaders(final SipMessage message, final int headerId, final SipMessageWriter writer,
        final boolean firstOnly)
    {
        for (int i = message.findHeader(headerId, 0); i >= 0; i = message.findHeader(headerId, i + 1))
        {
            writer.header(HeaderName.canonicalName(headerId), message.headerValue(i, view));
            if (firstOnly)
            {
                return;
            }
        }
    }

    /** The map key of a client transaction: its id, and whether it is the CANCEL that shares its INVITE's id. */
    static long key(final long id, final int method)
    {
        return (id << 1) | (method == SipMethod.CANCEL ? 1 : 0);
    }
}
