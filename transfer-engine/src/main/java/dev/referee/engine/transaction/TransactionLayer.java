package dev.referee.engine.transaction;

import dev.referee.sip.SipStatus;

import dev.referee.sip.SipLimits;

import dev.referee.engine.id.IdGenerator;
import dev.referee.engine.message.Outbox;
import dev.referee.engine.message.StoredMessage;
import dev.referee.engine.time.EngineTimers;
import dev.referee.sip.AsciiView;
import dev.referee.sip.HeaderName;
import dev.referee.sip.SipMessage;
import dev.referee.sip.SipMessageWriter;
import dev.referee.sip.SipMethod;
import dev.referee.sip.Via;
import dev.referee.transport.Transport;
import org.agrona.collections.Long2ObjectHashMap;

import java.net.InetSocketAddress;
import java.util.ArrayList;

/**
 * RFC 3261 §17 and RFC 6026: matches messages to transactions, runs their state machines and Timers A to M,
 * retransmits over UDP and answers retransmitted requests from the transaction. Engine thread only.
 */
public final class TransactionLayer
{
    private final ServerTransactions serverTransactions = new ServerTransactions();
    private final RequestCopier requestCopier;
    private final Long2ObjectHashMap<ClientTransaction> clientTransactions = new Long2ObjectHashMap<>();
    /** Scratch of {@link #onTransportFailure}: at most every client transaction, reused. */
    private final java.util.ArrayList<ClientTransaction> failed = new java.util.ArrayList<>();
    private static final java.util.Comparator<ClientTransaction> BY_ID =
        java.util.Comparator.comparingLong(ClientTransaction::id);
    /** Transactions that completed during the current input, to detach from their TU when the input is done. */
    private final ArrayList<ServerTransaction> completedServers = new ArrayList<>();
    private final ArrayList<ClientTransaction> completedClients = new ArrayList<>();
    private final EngineTimers timers;
    private final Outbox outbox;
    private final IdGenerator ids;
    private final long t1Ns;
    private final long t2Ns;
    private final long t4Ns;
    private final long timerCNs;
    /** {@code sip.user-agent}: the Server of every response this layer starts; null or empty: none. */
    private final String agent;
    private final AsciiView view = new AsciiView();
    private final SipMessage stored = new SipMessage();
    private TransactionUser user;
    /** RFC 6026 Timer L over reliable transports too (EngineConfig.absorbsInviteRetransmissionsAfter2xx). */
    private boolean acceptsOnEveryTransport;
    /** RFC 6026 Accepted INVITE client transactions, Timer M (EngineConfig.keepsInviteClientTransactionsAccepted). */
    private boolean keepsClientsAccepted;
    private long nextClientId = 1;
    /** Transactions that have their final response and live on only to absorb retransmissions (Timers D, I, J, K). */
    private int waiting;
    /** Node-start version 11 on: the transactions waiting out Timers J, L, M, D and K, as rows; null before. */
    private WaitingRows rows;

    /** RFC 3261 §16.6 Timer C: how long an INVITE may stay in Proceeding (ringing) without a final response. */
    public static final long TIMER_C_NS = 180_000_000_000L;

    public TransactionLayer(final EngineTimers timers, final Outbox outbox, final IdGenerator ids, final long t1Ns,
        final long t2Ns, final long t4Ns)
    {
        this(timers, outbox, ids, t1Ns, t2Ns, t4Ns, TIMER_C_NS);
    }

    public TransactionLayer(final EngineTimers timers, final Outbox outbox, final IdGenerator ids, final long t1Ns,
        final long t2Ns, final long t4Ns, final long timerCNs)
    {
        this(timers, outbox, ids, t1Ns, t2Ns, t4Ns, timerCNs, null);
    }

    /** With {@code agent} ({@code sip.user-agent}) as the Server of every response (none when null or empty). */
    public TransactionLayer(final EngineTimers timers, final Outbox outbox, final IdGenerator ids, final long t1Ns,
        final long t2Ns, final long t4Ns, final long timerCNs, final String agent)
    {
        this.agent = agent == null || agent.isEmpty() ? null : agent;
        this.timerCNs = timerCNs;
        this.requestCopier = new RequestCopier();
        this.timers = timers;
        this.outbox = outbox;
        this.ids = ids;
        this.t1Ns = t1Ns;
        this.t2Ns = t2Ns;
        this.t4Ns = t4Ns;
    }

    /**
     * Which RFC 6026 behaviours apply (the journal's node-start version decides: a journal replays as it was made):
     * an accepted INVITE server transaction stays for Timer L over every transport, not only UDP; an INVITE client
     * transaction stays Accepted for Timer M after its first 2xx and passes later ones to the TU.
     */
    public void rfc6026(final boolean acceptsOnEveryTransport, final boolean keepsClientsAccepted)
    {
        this.acceptsOnEveryTransport = acceptsOnEveryTransport;
        this.keepsClientsAccepted = keepsClientsAccepted;
    }

    /**
     * Node-start version 11 on (EngineConfig.keepsWaitingTransactionsAsRows): a transaction that only waits out a
     * timer after its final response leaves the layer as a row of a table ({@link WaitingTransactions}), at the end of
     * the input that gave it that response: server transactions waiting out Timer J (non-INVITE, UDP) or Timer L (an
     * accepted INVITE), client transactions waiting out Timer M (an accepted INVITE), D (an INVITE that got a non-2xx
     * final, UDP) or K (non-INVITE, UDP). At most {@code maxRows} rows in each of the three tables (one per wait).
     */
    public void keepWaitingTransactionsAsRows(final int maxRows)
    {
        rows = new WaitingRows(maxRows, outbox, t1Ns, t4Ns);
    }

    /** True from node-start version 11 on: waiting transactions become rows ({@link #keepWaitingTransactionsAsRows}). */
    private boolean waitsAsRows()
    {
        return rows != null;
    }

    public TransactionUser user()
    {
        return user;
    }

    public void user(final TransactionUser user)
    {
        this.user = user;
    }

    /** Server transactions, those waiting as rows included. */
    public int serverCount()
    {
        return serverTransactions.size() + (waitsAsRows() ? rows.serverRows() : 0);
    }

    /** Client transactions, those waiting as rows included. */
    public int clientCount()
    {
        return clientTransactions.size() + (waitsAsRows() ? rows.clientRows() : 0);
    }

    /** Of all transactions, those already completed that wait only for late retransmissions (Timers D, I, J, K). */
    public int waitingCount()
    {
        return waiting + (waitsAsRows() ? rows.serverRows() + rows.clientRows() : 0);
    }

    /** Rows of waiting transactions that went before their timer because their table was full. */
    public long waitingEvictedEarly()
    {
        return waitsAsRows() ? rows.evictedEarly() : 0;
    }

    // ---- server transactions -------------------------------------------------------------------------------

    /** The server transaction a request belongs to (ACK matches its INVITE: RFC 3261 §17.2.3); null when none. */
    public ServerTransaction findServer(final SipMessage request)
    {
        final int method = request.method() == SipMethod.ACK ? SipMethod.INVITE : request.method();
        return serverTransactions.find(request, method);
    }

    /** The INVITE server transaction a CANCEL names (RFC 3261 §9.2); null when none. */
    public ServerTransaction findInviteForCancel(final SipMessage cancel)
    {
        return serverTransactions.find(cancel, SipMethod.INVITE);
    }

    /**
     * Right after {@link #findServer} found no transaction for {@code request}: when it is the request of a transaction
     * waiting as a row, it is a retransmission, answered with that transaction's final response (non-INVITE) or
     * absorbed (an accepted INVITE); true then.
     */
    public boolean answerIfWaiting(final SipMessage request)
    {
        return waitsAsRows() && rows.answerRetransmission(serverTransactions.lastKey(),
            serverTransactions.lastKeyLength(), serverTransactions.lastKeyHash(), timers.nowNs());
    }

    /** True when the INVITE a CANCEL names waits as a row: it was accepted (RFC 3261 §9.2: 200, nothing to cancel). */
    public boolean inviteWaitsForCancel(final SipMessage cancel)
    {
        if (!waitsAsRows())
        {
            return false;
        }
        serverTransactions.find(cancel, SipMethod.INVITE);
        return rows.holdsServer(serverTransactions.lastKey(), serverTransactions.lastKeyLength(),
            serverTransactions.lastKeyHash(), timers.nowNs());
    }

    /** Creates the server transaction for a new request (not ACK). */
    public ServerTransaction createServer(final SipMessage request, final int transport,
        final InetSocketAddress source, final long connectionId)
    {
        final RequestCopy copy = serverTransactions.copy(request, request.method(), source, requestCopier);
        final ServerTransaction st = new ServerTransaction(this, copy, request.method(), request.cseqNumber(),
            transport, responseDestination(request.topVia(), transport, source), connectionId);
        st.state = request.method() == SipMethod.INVITE ? ServerTransaction.State.PROCEEDING :
            ServerTransaction.State.TRYING;
        serverTransactions.hold(st);
        return st;
    }

    /**
     * True when {@code st}, just created for a request without To tag, is for a request another transaction under way
     * already has under another branch: a merged request (RFC 3261 §8.2.2.2), which the UAS answers 482.
     */
    public boolean isMerged(final ServerTransaction st)
    {
        if (serverTransactions.mergedWith(st) != null)
        {
            return true;
        }
        return waitsAsRows() && st.copy != null && !st.copy.toHasTag() &&
            rows.holdsOrigin(st.copy.originHash(), st.method, timers.nowNs());
    }

    /** A retransmitted request: answer it with the last response, if any (RFC 3261 §17.2.1, §17.2.2). */
    public void onRetransmission(final ServerTransaction st)
    {
        if (st.lastResponse != null && st.state != ServerTransaction.State.CONFIRMED)
        {
            outbox.resend(st.transport, st.responseDestination, st.connectionId, st.lastResponse);
        }
    }

    /** The ACK for a non-2xx final response (RFC 3261 §17.2.1): stop retransmitting, wait Timer I. */
    public void onAck(final ServerTransaction st)
    {
        if (st.state != ServerTransaction.State.COMPLETED)
        {
            return;
        }
        st.retransmitTimer = timers.cancel(st.retransmitTimer);
        st.timeoutTimer = timers.cancel(st.timeoutTimer);
        st.state = ServerTransaction.State.CONFIRMED;
        if (isReliable(st.transport))
        {
            terminate(st);
        }
        else
        {
            st.timeoutTimer = timers.schedule(t4Ns, st); // Timer I
        }
    }

    /** {@link #startResponse(ServerTransaction, int, CharSequence)} with the RFC's reason phrase of {@code status}. */
    public SipMessageWriter startResponse(final ServerTransaction st, final int status)
    {
        return startResponse(st, status, SipStatus.reasonPhrase(status));
    }

    /**
     * Starts a response: status line, the headers copied from the request (RFC 3261 §8.2.6.2) and Referee's Server
     * (one, whatever the other leg's response said: relays leave theirs behind). Add headers and end the message,
     * then {@link #send}.
     */
    public SipMessageWriter startResponse(final ServerTransaction st, final int status, final CharSequence reason)
    {
        final SipMessageWriter writer = outbox.begin().statusLine(status, reason);
        if (st.copy != null)
        {
            st.copy.writeResponseHeaders(writer, status > 100 ? st.localTag : null);
        }
        if (agent != null)
        {
            writer.header("Server", agent);
        }
        return writer;
    }

    /** Sends the response just written and moves the transaction on. */
    public void send(final ServerTransaction st, final int status)
    {
        if (st.state == ServerTransaction.State.TERMINATED || st.isFinal())
        {
            return; // a final response was already sent: RFC 3261 allows only one
        }
        outbox.send(st.transport, st.responseDestination, st.connectionId, 0, status);
        st.lastStatus = status;
        if (status < 200)
        {
            keepLastResponse(st);
            st.state = ServerTransaction.State.PROCEEDING;
            return;
        }
        if (st.method == SipMethod.INVITE)
        {
            if (status < 300)
            {
                accept(st);
                return;
            }
            keepLastResponse(st);
            st.state = ServerTransaction.State.COMPLETED;
            waiting++;
            if (!isReliable(st.transport))
            {
                st.retransmitIntervalNs = t1Ns;
                st.retransmitTimer = timers.schedule(t1Ns, st); // Timer G
            }
            st.timeoutTimer = timers.schedule(64 * t1Ns, st); // Timer H
            return;
        }
        keepLastResponse(st);
        st.state = ServerTransaction.State.COMPLETED;
        waiting++;
        if (isReliable(st.transport))
        {
            terminate(st);
        }
        else
        {
            if (!waitsAsRows())
            {
                st.timeoutTimer = timers.schedule(64 * t1Ns, st); // Timer J
            }
            completedServers.add(st); // as rows: Timer J is the row's expiry
        }
    }

    /**
     * RFC 6026 §7.1: after a 2xx the INVITE server transaction stays, for Timer L, only to absorb retransmissions
     * of the INVITE (a caller that lost the 2xx retransmits it; without this it would be taken for a new call and
     * set up a second one). The TU retransmits the 2xx. RFC 6026 §8.7 runs Timer L on every transport: a reliable
     * hop still gets the INVITE again when a stateless proxy before it relays a UDP caller's retransmissions; before
     * node-start version 5 a TCP transaction ended at once.
     */
    private void accept(final ServerTransaction st)
    {
        if (isReliable(st.transport) && !acceptsOnEveryTransport)
        {
            terminate(st);
            return;
        }
        outbox.release(st.lastResponse);
        st.lastResponse = null; // a retransmitted INVITE is absorbed, never answered with an old provisional
        st.state = ServerTransaction.State.ACCEPTED;
        waiting++;
        if (!waitsAsRows())
        {
            st.timeoutTimer = timers.schedule(64 * t1Ns, st); // Timer L
        }
        completedServers.add(st); // absorbs retransmissions only: lets go of the call (as rows: Timer L is the row's expiry)
    }

    void onServerTimer(final ServerTransaction st, final long timerId, final long nowNs)
    {
        if (timerId == st.retransmitTimer)
        {
            // Timer G: resend the final response, doubling up to T2.
            outbox.resend(st.transport, st.responseDestination, st.connectionId, st.lastResponse);
            st.retransmitIntervalNs = Math.min(2 * st.retransmitIntervalNs, t2Ns);
            st.retransmitTimer = timers.scheduleRetransmission(st.retransmitIntervalNs, st);
        }
        else if (timerId == st.timeoutTimer)
        {
            st.timeoutTimer = EngineTimers.NO_TIMER;
            final boolean ackTimeout = st.state == ServerTransaction.State.COMPLETED && st.method == SipMethod.INVITE;
            terminate(st); // Timer H, I or J
            if (ackTimeout)
            {
                user.onAckTimeout(st, nowNs);
            }
        }
    }

    /** Ends a server transaction now (the TU no longer needs it, e.g. its call is gone). */
    public void terminate(final ServerTransaction st)
    {
        if (st.state == ServerTransaction.State.COMPLETED || st.state == ServerTransaction.State.CONFIRMED ||
            st.state == ServerTransaction.State.ACCEPTED)
        {
            waiting--;
        }
        st.retransmitTimer = timers.cancel(st.retransmitTimer);
        st.timeoutTimer = timers.cancel(st.timeoutTimer);
        st.state = ServerTransaction.State.TERMINATED;
        st.context = null;
        st.relayedTo = null;
        // Nothing is sent on a terminated transaction: its copy goes back for the next one.
        outbox.release(st.lastResponse);
        st.lastResponse = null;
        serverTransactions.remove(st);
        requestCopier.release(st.copy);
        st.copy = null;
    }

    // ---- client transactions -------------------------------------------------------------------------------

    /** Reserves the id of the next client transaction, and returns the branch to write in its Via. */
    public long reserveClientId()
    {
        return nextClientId++;
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
        clientTransactions.put(clientKey(clientId, method), ct);
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
        if (!isReliable(transport))
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
        final ClientTransaction ct = clientTransactions.get(clientKey(id, response.cseqMethod()));
        return ct != null && branch.contentEquals(ct.branch) ? ct : null;
    }

    /** What a response {@link #matchResponse} did not match found among the client transactions waiting as rows. */
    public enum WaitingResponse
    {
        /** No row: a stray response. */
        NONE,
        /** The row's, but not from the host its request went to: ignored (as for a transaction). */
        FROM_ELSEWHERE,
        /** The row's: absorbed, its ACK sent again, or (a 2xx to an accepted INVITE) handed to the TU. */
        HANDLED
    }

    /**
     * Right after {@link #matchResponse} found no transaction for {@code response}: the row of a client transaction
     * waiting for it, and what it did (RFC 6026 §7.2, RFC 3261 §17.1.1.2 and §17.1.2.2).
     */
    public WaitingResponse onWaitingResponse(final SipMessage response, final InetSocketAddress source,
        final long nowNs)
    {
        return waitsAsRows() ? rows.onResponse(response, source, user, timers.nowNs(), nowNs) : WaitingResponse.NONE;
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
                    user.onResponse(ct, response, nowNs);
                    return;
                }
                ct.finalStatus = status;
                ct.retransmitTimer = timers.cancel(ct.retransmitTimer);
                ct.timeoutTimer = timers.cancel(ct.timeoutTimer);
                if (ct.method == SipMethod.INVITE && status < 300)
                {
                    if (keepsClientsAccepted)
                    {
                        accept(ct);
                    }
                    else
                    {
                        terminate(ct);
                    }
                    user.onResponse(ct, response, nowNs);
                    return;
                }
                if (ct.method == SipMethod.INVITE)
                {
                    ct.ack = writeAckForFailure(ct, response);
                    outbox.resend(ct.transport, ct.destination, ct.connectionId, ct.ack);
                }
                ct.state = ClientTransaction.State.COMPLETED;
                waiting++;
                if (isReliable(ct.transport))
                {
                    terminate(ct);
                }
                else
                {
                    if (!waitsAsRows())
                    {
                        // Timer D (INVITE, at least 32 s) or Timer K (non-INVITE, T4).
                        ct.timeoutTimer = timers.schedule(ct.method == SipMethod.INVITE ? 64 * t1Ns : t4Ns, ct);
                    }
                    completedClients.add(ct); // as rows: Timer D or K is the row's expiry
                }
                user.onResponse(ct, response, nowNs);
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
                    user.onAcceptedResponse(response, nowNs);
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
        waiting++;
        outbox.release(ct.request);
        ct.request = null;
        if (!waitsAsRows())
        {
            ct.timeoutTimer = timers.schedule(64 * t1Ns, ct); // Timer M
        }
        completedClients.add(ct); // as rows: Timer M is the row's expiry
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
        for (final ClientTransaction ct : clientTransactions.values())
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
                user.onTimeout(ct, nowNs);
            }
        }
        failed.clear();
        return count;
    }

    void onClientTimer(final ClientTransaction ct, final long timerId, final long nowNs)
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
                user.onTimeout(ct, nowNs);
                return;
            }
            final boolean timedOut = ct.state != ClientTransaction.State.COMPLETED &&
                ct.state != ClientTransaction.State.ACCEPTED && !ct.timerCFired;
            terminate(ct); // Timer B, D, F, K or M
            if (timedOut)
            {
                user.onTimeout(ct, nowNs);
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
            waiting--;
        }
        ct.retransmitTimer = timers.cancel(ct.retransmitTimer);
        ct.timeoutTimer = timers.cancel(ct.timeoutTimer);
        ct.state = ClientTransaction.State.TERMINATED;
        clientTransactions.remove(clientKey(ct.id, ct.method), ct);
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
     * Called once the current input is handled. A completed non-INVITE server transaction only answers retransmitted
     * requests from its stored response (Timer J: 32 s over UDP), an accepted INVITE server transaction only absorbs
     * retransmitted INVITEs (Timer L), a completed client transaction only absorbs retransmitted responses (Timers D
     * and K), and an accepted INVITE client transaction hands later 2xx to the TU by their tags, not its context
     * (Timer M): none needs the TU's objects again, so they let go of them.
     * Holding on meant every ended call stayed reachable from its BYE transaction for 32 s, and each young
     * collection copied all of them. A completed INVITE server transaction keeps its context: a 2xx that crossed
     * a CANCEL still needs the leg to be acknowledged and hung up. Deferred to the end of the input because the TU
     * may still read a transaction's context after sending its final response.
     */
    public void detachCompleted()
    {
        if (waitsAsRows())
        {
            rows.expire(timers.nowNs());
        }
        for (int i = 0, n = completedServers.size(); i < n; i++)
        {
            final ServerTransaction st = completedServers.get(i);
            if (waitsAsRows() && (st.state == ServerTransaction.State.ACCEPTED ||
                st.state == ServerTransaction.State.COMPLETED && st.method != SipMethod.INVITE))
            {
                waitAsRow(st);
            }
            else if (st.state == ServerTransaction.State.COMPLETED || st.state == ServerTransaction.State.ACCEPTED)
            {
                st.context = null;
                st.relayedTo = null;
            }
        }
        completedServers.clear();
        for (int i = 0, n = completedClients.size(); i < n; i++)
        {
            final ClientTransaction ct = completedClients.get(i);
            if (ct.state == ClientTransaction.State.COMPLETED || ct.state == ClientTransaction.State.ACCEPTED)
            {
                detach(ct);
                if (waitsAsRows())
                {
                    waitAsRow(ct);
                }
            }
        }
        completedClients.clear();
    }

    /**
     * Moves {@code st} into the rows of waiting server transactions, for 64*T1 from now (the Timer J or L it did not
     * schedule), and ends the object: the TU may still hold it, and sees it terminated with its final status.
     */
    private void waitAsRow(final ServerTransaction st)
    {
        rows.add(st, timers.nowNs());
        terminate(st);
    }

    /**
     * Moves {@code ct} into the rows of waiting client transactions, for the Timer M, D or K it did not schedule (from
     * now: the input that gave it its final response), and ends the object, as {@link #waitAsRow(ServerTransaction)}.
     */
    private void waitAsRow(final ClientTransaction ct)
    {
        rows.add(ct, timers.nowNs());
        terminate(ct);
    }

    /** Drops the TU's attachments from a client transaction that lives on only to absorb retransmissions. */
    public static void detach(final ClientTransaction ct)
    {
        ct.context = null;
    }

    /** Reliable transports do no retransmission and need no wait for late retransmissions (Timers D, I, J, K = 0). */
    public static boolean isReliable(final int transport)
    {
        return Transport.isStream(transport);
    }

    // ---- snapshot hooks (TransactionSnapshots only) ------------------------------------------------------------

    ServerTransactions servers()
    {
        return serverTransactions;
    }

    /** The transactions waiting as rows; null before node-start version 11. */
    WaitingRows waitingRows()
    {
        return rows;
    }

    Long2ObjectHashMap<ClientTransaction> clients()
    {
        return clientTransactions;
    }

    long nextClientId()
    {
        return nextClientId;
    }

    int waiting()
    {
        return waiting;
    }

    void restoreCounters(final long nextClientId, final int waiting)
    {
        this.nextClientId = nextClientId;
        this.waiting = waiting;
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

    static long clientKey(final long id, final int method)
    {
        return (id << 1) | (method == SipMethod.CANCEL ? 1 : 0);
    }

    /** Keeps a copy of the response just written as the one to resend, giving back the one before. */
    private void keepLastResponse(final ServerTransaction st)
    {
        outbox.release(st.lastResponse);
        st.lastResponse = outbox.copyOfMessage();
    }

    /** RFC 3261 §18.2.2 and RFC 3581: where responses to a request go. */
    private static InetSocketAddress responseDestination(final Via via, final int transport,
        final InetSocketAddress source)
    {
        if (Transport.isStream(transport) || via.hasRport())
        {
            return source;
        }
        final int port = via.port() > 0 ? via.port() : 5060;
        return port == source.getPort() ? source : new InetSocketAddress(source.getAddress(), port);
    }
}
