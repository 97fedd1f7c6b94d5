package dev.referee.engine.transaction;

import dev.referee.engine.id.IdGenerator;
import dev.referee.engine.message.Outbox;
import dev.referee.engine.message.StoredMessage;
import dev.referee.engine.snapshot.SnapshotReader;
import dev.referee.engine.snapshot.SnapshotWriter;
import dev.referee.engine.transaction.TransactionLayer.WaitingResponse;
import dev.referee.sip.SipMessage;
import dev.referee.sip.SipMessageWriter;
import dev.referee.sip.SipMethod;
import dev.referee.sip.Via;
import dev.referee.transport.Addresses;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetSocketAddress;

/**
 * The transactions waiting as rows (node-start version 11 on, EngineConfig.keepsWaitingTransactionsAsRows), one
 * {@link WaitingTransactions} table per wait: server transactions waiting out Timer J (non-INVITE, UDP) or Timer L
 * (an accepted INVITE), 64*T1; INVITE client transactions waiting out Timer M (accepted) or D (a non-2xx over UDP; the
 * ACK is kept), 64*T1; non-INVITE client transactions waiting out Timer K, T4. What a row does when its request or
 * response comes again is what the transaction did. {@link TransactionLayer} hands transactions over at the end of the
 * input that gave them their final response and asks here after its own maps missed. Rows whose time is over go before
 * each look and at the end of each input. Engine thread only.
 */
final class WaitingRows
{
    private static final DirectBuffer NO_BYTES = new UnsafeBuffer(new byte[0]);

    private final WaitingTransactions servers;
    private final WaitingTransactions inviteClients;
    private final WaitingTransactions clients;
    private final Outbox outbox;
    private final long t1Ns;
    private final long t4Ns;
    /** A client row's key: the branch, '|', the method's code (as the layer's map keys a transaction by both). */
    private final UnsafeBuffer clientKey = new UnsafeBuffer(new byte[65_536]);
    private final SipMessageWriter clientKeyWriter = new SipMessageWriter();

    /** At most {@code maxRows} rows in each table. */
    WaitingRows(final int maxRows, final Outbox outbox, final long t1Ns, final long t4Ns)
    {
        servers = new WaitingTransactions(maxRows);
        inviteClients = new WaitingTransactions(maxRows);
        clients = new WaitingTransactions(maxRows);
        this.outbox = outbox;
        this.t1Ns = t1Ns;
        this.t4Ns = t4Ns;
    }

    int serverRows()
    {
        return servers.size();
    }

    int clientRows()
    {
        return inviteClients.size() + clients.size();
    }

    /** Rows that went before their time because their table was full. */
    long evictedEarly()
    {
        return servers.evictedEarly() + inviteClients.evictedEarly() + clients.evictedEarly();
    }

    /** Lets go of every row whose time is over by {@code nowNs}. */
    void expire(final long nowNs)
    {
        servers.expire(nowNs);
        inviteClients.expire(nowNs);
        clients.expire(nowNs);
    }

    /**
     * When a server row has the key ({@code keyLength} bytes of {@code key}), its request came again: sends its final
     * response again (non-INVITE) or absorbs it (an accepted INVITE); true then.
     */
    boolean answerRetransmission(final DirectBuffer key, final int keyLength, final long keyHash, final long nowNs)
    {
        servers.expire(nowNs);
        final long row = servers.find(key, keyLength, keyHash);
        if (row < 0)
        {
            return false;
        }
        final int length = servers.messageLength(row);
        if (length > 0)
        {
            outbox.resend(servers.transport(row), servers.destination(row), servers.connectionId(row),
                servers.bytes(), servers.messageOffset(row), length);
        }
        return true;
    }

    /** True when a server row has the key ({@code keyLength} bytes of {@code key}). */
    boolean holdsServer(final DirectBuffer key, final int keyLength, final long keyHash, final long nowNs)
    {
        servers.expire(nowNs);
        return servers.find(key, keyLength, keyHash) >= 0;
    }

    /** True when a server row of {@code method} had a request of that origin (From, Call-ID, CSeq) without To tag. */
    boolean holdsOrigin(final long originHash, final int method, final long nowNs)
    {
        servers.expire(nowNs);
        return servers.holdsOrigin(originHash, method);
    }

    /**
     * A response no client transaction matched: the row waiting for it, and what it did. Rows expire by the engine's
     * time {@code engineNowNs}; the TU hears of a 2xx at the input's {@code nowNs}, as from a transaction.
     */
    WaitingResponse onResponse(final SipMessage response, final InetSocketAddress source, final TransactionUser user,
        final long engineNowNs, final long nowNs)
    {
        final Via via = response.topVia();
        if (via == null || !via.branch().startsWith(IdGenerator.BRANCH_COOKIE))
        {
            return WaitingResponse.NONE;
        }
        clientKeyWriter.wrap(clientKey, 0).append(via.branch()).append('|').append(response.cseqMethod());
        final int keyLength = clientKeyWriter.length();
        final boolean invite = response.cseqMethod() == SipMethod.INVITE;
        final WaitingTransactions rows = invite ? inviteClients : clients;
        rows.expire(engineNowNs);
        final long row = rows.find(clientKey, keyLength, ServerTransactions.hash(clientKey, keyLength));
        if (row < 0)
        {
            return WaitingResponse.NONE;
        }
        if (!Addresses.sameHost(rows.destination(row), source))
        {
            return WaitingResponse.FROM_ELSEWHERE;
        }
        final int status = response.statusCode();
        final int ackLength = rows.messageLength(row);
        if (ackLength > 0 && status >= 300)
        {
            // Completed (Timer D): the final response came again, so the ACK was lost.
            outbox.resend(rows.transport(row), rows.destination(row), rows.connectionId(row), rows.bytes(),
                rows.messageOffset(row), ackLength);
        }
        else if (invite && ackLength == 0 && status >= 200 && status < 300)
        {
            user.onAcceptedResponse(response, nowNs); // Accepted (Timer M): the dialog acknowledges it
        }
        return WaitingResponse.HANDLED;
    }

    /** {@code st}, Completed (non-INVITE) or Accepted (INVITE), waits as a row for 64*T1 from {@code nowNs}. */
    void add(final ServerTransaction st, final long nowNs)
    {
        final RequestCopy copy = st.copy;
        final StoredMessage response = st.state == ServerTransaction.State.COMPLETED ? st.lastResponse : null;
        servers.add(copy.keyBytes(), copy.keyLength(), copy.keyHash(), !copy.toHasTag(), copy.originHash(),
            st.method, st.transport, st.responseDestination, st.connectionId,
            response == null ? NO_BYTES : response.buffer(), response == null ? 0 : response.length(),
            nowNs + 64 * t1Ns);
    }

    /** {@code ct}, Completed or Accepted, waits as a row for Timer M or D (64*T1) or K (T4) from {@code nowNs}. */
    void add(final ClientTransaction ct, final long nowNs)
    {
        clientKeyWriter.wrap(clientKey, 0).append(ct.branch).append('|').append(ct.method);
        final int keyLength = clientKeyWriter.length();
        final boolean invite = ct.method == SipMethod.INVITE;
        final StoredMessage ack = ct.state == ClientTransaction.State.COMPLETED ? ct.ack : null;
        (invite ? inviteClients : clients).add(clientKey, keyLength, ServerTransactions.hash(clientKey, keyLength),
            false, 0, ct.method, ct.transport, ct.destination, ct.connectionId,
            ack == null ? NO_BYTES : ack.buffer(), ack == null ? 0 : ack.length(),
            nowNs + (invite ? 64 * t1Ns : t4Ns));
    }

    /** Snapshot version 5: the three tables, each oldest first ({@link WaitingTransactions#write}). */
    void write(final SnapshotWriter out)
    {
        servers.write(out);
        inviteClients.write(out);
        clients.write(out);
    }

    /** Restores what {@link #write} wrote, into empty tables. */
    void read(final SnapshotReader in)
    {
        servers.read(in);
        inviteClients.read(in);
        clients.read(in);
    }
}
