package dev.referee.engine.transaction;

import dev.referee.engine.message.StoredMessage;
import dev.referee.engine.snapshot.ObjectVisitor;
import dev.referee.engine.snapshot.SnapshotException;
import dev.referee.engine.snapshot.SnapshotReader;
import dev.referee.engine.snapshot.SnapshotRefs;
import dev.referee.engine.snapshot.SnapshotWriter;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Writes and restores the transaction layer's state for {@code dev.referee.engine.snapshot}: the transactions held
 * (the layer's maps) and those only the TU still points at (a call's terminated INVITE), each with every field.
 * Lives here because the fields are package-private. Engine thread only.
 */
public final class TransactionSnapshots
{
    private TransactionSnapshots()
    {
    }

    /** The transactions the layer holds, in an order that does not depend on hashing: by key (snapshot version 3). */
    public static List<ServerTransaction> servers(final TransactionLayer layer)
    {
        return sortByKey(held(layer));
    }

    /** The transactions the layer holds, in its hash order. */
    public static List<ServerTransaction> held(final TransactionLayer layer)
    {
        return layer.servers().all();
    }

    /** How many transactions the layer holds as objects (not those waiting as rows). */
    public static int heldCount(final TransactionLayer layer)
    {
        return layer.servers().size();
    }

    /**
     * Version 5: the transactions waiting as rows (node-start version 11 on; three times {@code i32 0} before): the
     * server transactions (Timers J, L), the INVITE client transactions (Timers M, D), the non-INVITE client
     * transactions (Timer K), each table oldest first ({@link WaitingTransactions#write}).
     */
    public static void writeWaitingRows(final TransactionLayer layer, final SnapshotWriter out)
    {
        final WaitingRows rows = layer.waitingRows();
        if (rows == null)
        {
            out.writeInt(0).writeInt(0).writeInt(0);
        }
        else
        {
            rows.write(out);
        }
    }

    public static void readWaitingRows(final TransactionLayer layer, final SnapshotReader in)
    {
        final WaitingRows rows = layer.waitingRows();
        if (rows != null)
        {
            rows.read(in);
        }
        else if (in.readInt() != 0 || in.readInt() != 0 || in.readInt() != 0)
        {
            throw new SnapshotException("waiting transactions as rows in a snapshot of a journal before node-start"
                + " version 11");
        }
    }

    /** Hands every transaction the layer holds to {@code consumer}, in its hash order, without listing them. */
    public static void forEachHeld(final TransactionLayer layer, final Consumer<ServerTransaction> consumer)
    {
        layer.servers().forEach(consumer);
    }

    /** Sorts {@code servers} by key, in place; returns them. */
    public static List<ServerTransaction> sortByKey(final List<ServerTransaction> servers)
    {
        // Each key made once. Made in the comparator, every comparison made two Strings: n log n of them, most of a
        // snapshot's time with 300,000 transactions waiting (docs/journal-format.md "Snapshots"). Same order.
        final List<KeyedServer> keyed = new ArrayList<>(servers.size());
        for (final ServerTransaction server : servers)
        {
            keyed.add(new KeyedServer(server.key(), server));
        }
        keyed.sort(Comparator.comparing(KeyedServer::key));
        for (int i = 0; i < keyed.size(); i++)
        {
            servers.set(i, keyed.get(i).server());
        }
        return servers;
    }

    private record KeyedServer(String key, ServerTransaction server)
    {
    }

    /** The client transactions, by key: the keys sorted as numbers, without touching a transaction to compare. */
    public static List<ClientTransaction> clients(final TransactionLayer layer)
    {
        final Long2ObjectHashMap<ClientTransaction> held = layer.clients().byKey();
        final long[] keys = new long[held.size()];
        int n = 0;
        for (final Long2ObjectHashMap<ClientTransaction>.KeyIterator it = held.keySet().iterator(); it.hasNext(); )
        {
            keys[n++] = it.nextLong();
        }
        Arrays.sort(keys);
        final List<ClientTransaction> clients = new ArrayList<>(keys.length);
        for (final long key : keys)
        {
            clients.add(held.get(key));
        }
        return clients;
    }

    public static void visitLinks(final Object transaction, final ObjectVisitor visitor)
    {
        if (transaction instanceof ServerTransaction st)
        {
            visitor.visit(st.context);
            visitor.visit(st.relayedTo);
        }
        else
        {
            visitor.visit(((ClientTransaction)transaction).context);
        }
    }

    public static void writeCounters(final TransactionLayer layer, final SnapshotWriter out)
    {
        out.writeLong(layer.clients().nextId());
        out.writeInt(layer.waiting());
    }

    public static void readCounters(final TransactionLayer layer, final SnapshotReader in)
    {
        final long nextClientId = in.readLong();
        layer.restoreCounters(nextClientId, in.readInt());
    }

    /** Fields that need no other object. */
    public static void writeFields(final Object transaction, final SnapshotWriter out)
    {
        if (transaction instanceof ServerTransaction st)
        {
            // A terminated transaction gave its copy back: nothing is sent on it any more. The copy's parts are
            // written as the Strings key(), beforeTo()... would be, without making them (300,000 at 3,000 calls/s).
            final RequestCopy copy = st.copy;
            if (copy == null)
            {
                out.writeString("");
            }
            else
            {
                copy.writeKey(out);
            }
            out.writeInt(st.method);
            out.writeLong(st.cseq);
            out.writeInt(st.transport);
            out.writeAddress(st.responseDestination);
            out.writeLong(st.connectionId);
            if (copy == null)
            {
                out.writeString("").writeString("").writeBoolean(false).writeString("");
            }
            else
            {
                copy.writeBeforeTo(out);
                copy.writeTo(out);
                out.writeBoolean(copy.toHasTag());
                copy.writeAfterTo(out);
            }
            out.writeByte(st.state.ordinal());
            StoredMessage.write(st.lastResponse, out);
            out.writeInt(st.lastStatus);
            out.writeLong(st.retransmitTimer);
            out.writeLong(st.timeoutTimer);
            out.writeLong(st.retransmitIntervalNs);
            out.writeString(st.localTag);
            return;
        }
        final ClientTransaction ct = (ClientTransaction)transaction;
        out.writeLong(ct.id);
        out.writeString(ct.branch);
        out.writeInt(ct.method);
        out.writeString(ct.methodName);
        out.writeInt(ct.transport);
        out.writeAddress(ct.destination);
        out.writeLong(ct.connectionId);
        StoredMessage.write(ct.request, out);
        out.writeByte(ct.state.ordinal());
        out.writeLong(ct.retransmitTimer);
        out.writeLong(ct.timeoutTimer);
        out.writeLong(ct.retransmitIntervalNs);
        StoredMessage.write(ct.ack, out);
        out.writeInt(ct.finalStatus);
        out.writeBoolean(ct.provisionalSeen);
        out.writeBoolean(ct.timerCFired);
        out.writeInt(ct.purpose == null ? 0 : ct.purpose.code());
    }

    public static ServerTransaction readServer(final TransactionLayer layer, final SnapshotReader in)
    {
        final String key = in.readString();
        final int method = in.readInt();
        final long cseq = in.readLong();
        final int transport = in.readInt();
        final java.net.InetSocketAddress destination = in.readAddress();
        final long connectionId = in.readLong();
        final String beforeTo = in.readString();
        final String to = in.readString();
        final boolean toHasTag = in.readBoolean();
        final String afterTo = in.readString();
        final ServerTransaction st = new ServerTransaction(layer,
            RequestCopy.restore(key, beforeTo, to, toHasTag, afterTo), method, cseq, transport, destination,
            connectionId);
        st.state = enumAt(ServerTransaction.State.values(), in.readByte());
        st.lastResponse = StoredMessage.of(in.readBytes());
        st.lastStatus = in.readInt();
        st.retransmitTimer = in.readLong();
        st.timeoutTimer = in.readLong();
        st.retransmitIntervalNs = in.readLong();
        st.localTag = in.readString();
        return st;
    }

    public static ClientTransaction readClient(final TransactionLayer layer, final SnapshotReader in)
    {
        final long id = in.readLong();
        final String branch = in.readString();
        final int method = in.readInt();
        final String methodName = in.readString();
        final int transport = in.readInt();
        final java.net.InetSocketAddress destination = in.readAddress();
        final long connectionId = in.readLong();
        final StoredMessage request = StoredMessage.of(in.readBytes());
        final ClientTransaction ct = new ClientTransaction(
            layer.clients(), id, branch, method, methodName, transport, destination, connectionId, request);
        ct.state = enumAt(ClientTransaction.State.values(), in.readByte());
        ct.retransmitTimer = in.readLong();
        ct.timeoutTimer = in.readLong();
        ct.retransmitIntervalNs = in.readLong();
        ct.ack = StoredMessage.of(in.readBytes());
        ct.finalStatus = in.readInt();
        ct.provisionalSeen = in.readBoolean();
        ct.timerCFired = in.readBoolean();
        final int purpose = in.readInt();
        ct.purpose = purpose == 0 ? null : layer.user().purposeOf(purpose);
        return ct;
    }

    /** Links to other objects (the TU's context, the relayed transaction). */
    public static void writeLinks(final Object transaction, final SnapshotWriter out, final SnapshotRefs refs)
    {
        if (transaction instanceof ServerTransaction st)
        {
            refs.writeRef(out, st.context);
            refs.writeRef(out, st.relayedTo);
        }
        else
        {
            refs.writeRef(out, ((ClientTransaction)transaction).context);
        }
    }

    public static void readLinks(final Object transaction, final SnapshotReader in, final SnapshotRefs refs)
    {
        if (transaction instanceof ServerTransaction st)
        {
            st.context = refs.readRef(in);
            st.relayedTo = refs.readRef(in, ClientTransaction.class);
        }
        else
        {
            ((ClientTransaction)transaction).context = refs.readRef(in);
        }
    }

    /** Puts a restored transaction back in the layer's map (those written by {@link #servers}/{@link #clients}). */
    public static void hold(final TransactionLayer layer, final Object transaction)
    {
        if (transaction instanceof ServerTransaction st)
        {
            layer.servers().hold(st);
        }
        else if (transaction instanceof ClientTransaction ct)
        {
            layer.clients().byKey().put(ClientTransactions.key(ct.id, ct.method), ct);
        }
        else
        {
            throw new SnapshotException("not a transaction: " + transaction);
        }
    }

    static <E extends Enum<E>> E enumAt(final E[] values, final int ordinal)
    {
        if (ordinal >= values.length)
        {
            throw new SnapshotException(
                "unknown state " + ordinal + " of " + values[0].getDeclaringClass().getSimpleName());
        }
        return values[ordinal];
    }
}
