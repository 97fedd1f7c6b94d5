package dev.referee.engine.transaction;

import dev.referee.sip.SipStatus;


import dev.referee.engine.id.IdGenerator;
import dev.referee.engine.message.Outbox;
import dev.referee.engine.time.EngineTimers;
import dev.referee.sip.SipMessage;
import dev.referee.sip.SipMessageWriter;
import dev.referee.sip.SipMethod;
import dev.referee.sip.Via;
import dev.referee.transport.Transport;

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
    private final ClientTransactions clients;
    /** Transactions that completed during the current input, to detach from their TU when the input is done. */
    private final ArrayList<ServerTransaction> completedServers = new ArrayList<>();
    private final EngineTimers timers;
    private final Outbox outbox;
    private final long t1Ns;
    private final long t2Ns;
    private final long t4Ns;
    /** {@code sip.user-agent}: the Server of every response this layer starts; null or empty: none. */
    private final String agent;
    private TransactionUser user;
    /** RFC 6026 Timer L over reliable transports too (EngineConfig.absorbsInviteRetransmissionsAfter2xx). */
    private boolean acceptsOnEveryTransport;
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
        this.requestCopier = new RequestCopier();
        this.timers = timers;
        this.outbox = outbox;
        this.t1Ns = t1Ns;
        this.t2Ns = t2Ns;
        this.t4Ns = t4Ns;
        this.clients = new ClientTransactions(this, timers, outbox, ids, t1Ns, t2Ns, t4Ns, timerCNs, this.agent);
    }

    /**
     * Which RFC 6026 behaviours apply (the journal's node-start version decides: a journal replays as it was made):
     * an accepted INVITE server transaction stays for Timer L over every transport, not only UDP; an INVITE client
     * transaction stays Accepted for Timer M after its first 2xx and passes later ones to the TU.
     */
    public void rfc6026(final boolean acceptsOnEveryTransport, final boolean keepsClientsAccepted)
    {
        this.acceptsOnEveryTransport = acceptsOnEveryTransport;
        clients.keepAccepted(keepsClientsAccepted);
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
    boolean waitsAsRows()
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
        return clients.size() + (waitsAsRows() ? rows.clientRows() : 0);
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

    /** The client side: requests Referee sends, their responses, CANCEL and the ACK of a non-2xx. */
    public ClientTransactions clients()
    {
        return clients;
    }

    /** What a response {@link ClientTransactions#matchResponse} did not match found among the client transactions waiting as rows. */
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
        clients.detachCompleted();
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

    /** Transactions of both sides that have their final response and wait only for late retransmissions. */
    int waiting()
    {
        return waiting;
    }

    void restoreCounters(final long nextClientId, final int waiting)
    {
        clients.restoreNextId(nextClientId);
        this.waiting = waiting;
    }

    /** A transaction of either side started or stopped waiting (Timers D, I, J, K, L, M). */
    void countWaiting(final int delta)
    {
        waiting += delta;
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

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
