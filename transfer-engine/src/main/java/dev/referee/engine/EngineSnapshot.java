package dev.referee.engine;

import dev.referee.engine.call.CallSnapshots;
import dev.referee.engine.snapshot.ObjectVisitor;
import dev.referee.engine.snapshot.SnapshotException;
import dev.referee.engine.snapshot.SnapshotKinds;
import dev.referee.engine.snapshot.SnapshotObject;
import dev.referee.engine.snapshot.SnapshotReader;
import dev.referee.engine.snapshot.SnapshotRefs;
import dev.referee.engine.snapshot.SnapshotWriter;
import dev.referee.engine.time.TimerOwner;
import dev.referee.engine.transaction.ServerTransaction;
import dev.referee.engine.transaction.TransactionSnapshots;
import dev.referee.engine.transfer.TransferSnapshots;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * A snapshot of the whole engine state between two inputs, and its restore into a fresh engine built with the same
 * configuration: the restored engine is indistinguishable from the original (same outputs, events and state for the
 * same inputs from then on), which is what lets recovery replay only the inputs after the snapshot.
 * <p>
 * Layout (version 5; docs/journal-format.md, Snapshots): header, engine time and id generator position (the counter of
 * the keyed generator; the key is the configuration's, not the snapshot's), timer wheel geometry, id counters, then
 * every object reachable from the engine's maps and timers (calls, legs, transactions, transfers, REFERs waiting for a
 * webhook) grouped by kind, then their links by index, then the pending timers and the maps' members by index, then
 * (from version 2) the trunks' token buckets, then (from version 3) the digest nonce counter and the nonces answered
 * within their lifetime, then (node-start version 4 on) each call's Max-Forwards, then (node-start version 5 on) the
 * joins waiting out a 491 (their offer copy and retry timer), the route targets' keepalive state, each call's route
 * targets still to try, the legs accepting from-change, the early dialogs of forks and the forks released, and each
 * leg's session timer, then (node-start version 6 on) the reliable provisionals received and sent (RFC 3262), then
 * (node-start version 7 on) the legs whose ACK a transfer holds and, media anchored, the legs' media port pairs (from
 * node-start version 9 with each leg's early link and its peer's last SDP), then (node-start version 9 on, media
 * anchored) the transfers whose target was offered the transferee's media, then (version 5) the server transactions
 * waiting as rows (node-start version 11 on; none before).
 * Objects are numbered in the order a walk from the roots finds them, roots sorted by id, so two equal engines give
 * equal bytes. Engine thread only.
 */
public final class EngineSnapshot
{
    /** "RFSN" read as a little-endian int. */
    public static final int MAGIC = 0x4E534652;
    /**
     * Version 2 appends the trunks' token buckets; version 1 snapshots restore with full buckets. Version 3 appends
     * the digest nonces (counter, single-use record); older snapshots restore with none issued (no trunk had auth).
     * Version 4 is version 3 with the server transactions walked after the other roots (only those nothing else
     * reached sorted by key) and the list of those held in the object table's order instead of by key. Version 5
     * appends the server transactions waiting as rows (node-start version 11 on; none before).
     */
    public static final int VERSION = 5;
    private static final long NO_WHEEL = Long.MIN_VALUE;

    private EngineSnapshot()
    {
    }

    public static byte[] take(final Engine engine)
    {
        return take(engine, VERSION);
    }

    /**
     * The snapshot in the layout of {@code version}: replay compares a journal's recorded snapshots, which may be of
     * an older version, with the replaying engine's state in the same layout.
     */
    public static byte[] take(final Engine engine, final int version)
    {
        final SnapshotWriter out = new SnapshotWriter();
        write(engine, out, version);
        return out.toByteArray();
    }

    /** The layout version of {@code snapshot} (its second int); 0 when too short to have one. */
    public static int versionOf(final byte[] snapshot)
    {
        if (snapshot.length < 8)
        {
            return 0;
        }
        final SnapshotReader in = new SnapshotReader(snapshot);
        in.readInt(); // magic
        return in.readInt();
    }

    public static void write(final Engine engine, final SnapshotWriter out)
    {
        write(engine, out, VERSION);
    }

    private static void write(final Engine engine, final SnapshotWriter out, final int version)
    {
        final Engine.Parts parts = engine.snapshotParts();
        final int pendingTimers = parts.timers().pendingCount();
        final long[] timerIds = new long[pendingTimers];
        final long[] deadlines = new long[pendingTimers];
        final Object[] owners = new Object[pendingTimers];
        final int[] seen = new int[1];
        parts.timers().forEachPending((timerId, deadlineNs, owner) ->
        {
            final int i = seen[0]++;
            timerIds[i] = timerId;
            deadlines[i] = deadlineNs;
            owners[i] = owner;
        });
        final int timerCount = seen[0];
        final List<? extends Object> clients = TransactionSnapshots.clients(parts.transactions());
        final List<Object> legs = CallSnapshots.legs(parts.b2bua());
        final List<Object> webhooks = TransferSnapshots.pendingWebhooks(parts.transfers());
        final Walk walk = new Walk(timerCount + TransactionSnapshots.heldCount(parts.transactions()) + clients.size() + legs.size() +
            webhooks.size());
        // Where each timer's owner and each server transaction held was found: their links are written from these,
        // without another pass over 300,000 cold objects to read their indexes.
        final int[] ownersFound = new int[timerCount];
        for (int i = 0; i < timerCount; i++)
        {
            ownersFound[i] = walk.visit(owners[i]);
        }
        // Version 3 visits the server transactions held, by key, right after the timers' owners. Version 4 visits
        // them last and sorts (by key) only those nothing else reached: at 3,000 calls/s some 300,000 wait out
        // 64*T1, all reached through their timers already. Their list is then written in the object table's order.
        final List<ServerTransaction> held = version < 4 ? TransactionSnapshots.held(parts.transactions()) : null;
        if (version < 4)
        {
            TransactionSnapshots.sortByKey(held).forEach(walk::visit);
        }
        clients.forEach(walk::visit);
        legs.forEach(walk::visit);
        webhooks.forEach(walk::visit);
        walk.expand();
        final int[] heldFound = new int[version < 4 ? 0 : TransactionSnapshots.heldCount(parts.transactions())];
        if (version >= 4)
        {
            final List<ServerTransaction> unreached = new ArrayList<>();
            final int[] reached = new int[1];
            TransactionSnapshots.forEachHeld(parts.transactions(), st ->
            {
                final int found = walk.foundAt(st);
                if (found < 0)
                {
                    unreached.add(st);
                }
                else
                {
                    heldFound[reached[0]++] = found;
                }
            });
            int n = reached[0];
            for (final ServerTransaction st : TransactionSnapshots.sortByKey(unreached))
            {
                heldFound[n++] = walk.visit(st);
            }
            walk.expand();
        }
        final SnapshotRefs refs = walk.numbered();

        out.writeInt(MAGIC);
        out.writeInt(version);
        out.writeLong(parts.timers().nowNs());
        out.writeLong(parts.ids().state());
        final boolean wheel = parts.timers().hasWheel();
        out.writeLong(wheel ? parts.timers().wheelStartTimeNs() : NO_WHEEL);
        out.writeLong(wheel ? parts.timers().wheelTickTimeNs() : NO_WHEEL);
        TransactionSnapshots.writeCounters(parts.transactions(), out);
        CallSnapshots.writeCounters(parts.b2bua(), out);
        TransferSnapshots.writeCounters(parts.transfers(), out);

        // Every object's fields, then every object's links: written in one pass over the objects, the links beside
        // (each pass over 300,000 cold objects costs its cache misses again).
        out.writeInt(refs.size());
        final SnapshotWriter links = out.side();
        for (int i = 0; i < refs.size(); i++)
        {
            final Object object = refs.get(i);
            final int kind = walk.kindAt(i);
            out.writeByte(kind);
            if (kind == SnapshotKinds.SERVER_TRANSACTION || kind == SnapshotKinds.CLIENT_TRANSACTION)
            {
                TransactionSnapshots.writeFields(object, out);
                TransactionSnapshots.writeLinks(object, links, refs);
            }
            else if (kind == SnapshotKinds.CALL || kind == SnapshotKinds.LEG)
            {
                CallSnapshots.writeFields(object, out, refs);
                CallSnapshots.writeLinks(object, links, refs);
            }
            else
            {
                TransferSnapshots.writeFields(object, out, refs);
                TransferSnapshots.writeLinks(object, links, refs);
            }
        }
        out.append(links);
        links.reset();

        out.writeInt(timerCount);
        for (int i = 0; i < timerCount; i++)
        {
            out.writeLong(timerIds[i]);
            out.writeLong(deadlines[i]);
            out.writeInt(walk.refOf(ownersFound[i]));
        }
        if (version < 4)
        {
            writeRefs(out, refs, held);
        }
        else
        {
            writeInTableOrder(out, walk, heldFound);
        }
        writeRefs(out, refs, clients);
        writeRefs(out, refs, legs);
        writeRefs(out, refs, webhooks);
        if (version >= 2)
        {
            CallSnapshots.writeTrunkBuckets(parts.b2bua(), out);
            CallSnapshots.writeSdpOrigins(parts.b2bua(), out);
        }
        if (version >= 3)
        {
            parts.b2bua().authenticator().nonces().write(out);
            CallSnapshots.writeMaxForwards(parts.b2bua(), out);
            TransferSnapshots.writeJoinRetries(parts.b2bua(), refs, out);
            CallSnapshots.writeRouteTargets(parts.b2bua(), out);
            CallSnapshots.writeLegOptions(parts.b2bua(), out);
            CallSnapshots.writeEarlyDialogs(parts.b2bua(), out);
            CallSnapshots.writeSessionTimers(parts.b2bua(), refs, out);
            CallSnapshots.writeReliableProvisionals(parts.b2bua(), out);
            CallSnapshots.writeSessionIntervals(parts.b2bua(), out);
            TransferSnapshots.writeRecalls(parts.b2bua(), refs, out);
            CallSnapshots.writeHeldAcks(parts.b2bua(), out);
            if (parts.b2bua().media() != null)
            {
                parts.b2bua().media().write(out, parts.b2bua().config().behaviour()); // media anchored (node-start version 7 on): the legs' pairs
            }
            TransferSnapshots.writeTargetOffers(parts.b2bua(), refs, out);
        }
        if (version >= 5)
        {
            TransactionSnapshots.writeWaitingRows(parts.transactions(), out);
        }
    }

    /**
     * Restores {@code snapshot} into {@code engine}, which must be fresh (no input handled yet) and built with the
     * configuration of the engine the snapshot came from; its sender, counters, events and webhooks are its own.
     */
    public static void restore(final Engine engine, final byte[] snapshot)
    {
        restore(engine, new SnapshotReader(snapshot));
    }

    public static void restore(final Engine engine, final SnapshotReader in)
    {
        if (engine.activeCalls() != 0 || engine.dialogs() != 0 || engine.transactions() != 0 ||
            engine.snapshotParts().timers().hasWheel())
        {
            throw new IllegalStateException("a snapshot restores into a fresh engine only");
        }
        final int magic = in.readInt();
        final int version = in.readInt();
        if (magic != MAGIC || version < 1 || version > VERSION)
        {
            throw new SnapshotException("not an engine snapshot of version 1 to " + VERSION + " (magic " +
                Integer.toHexString(magic) + ", version " + version + ")");
        }
        final Engine.Parts parts = engine.snapshotParts();
        final long nowNs = in.readLong();
        parts.ids().state(in.readLong());
        final long wheelStartNs = in.readLong();
        final long wheelTickNs = in.readLong();
        TransactionSnapshots.readCounters(parts.transactions(), in);
        CallSnapshots.readCounters(parts.b2bua(), in);
        TransferSnapshots.readCounters(parts.transfers(), in);

        final SnapshotRefs refs = new SnapshotRefs();
        final int count = in.readInt();
        int lastKind = 0;
        for (int i = 0; i < count; i++)
        {
            final int kind = in.readByte();
            if (kind < lastKind || kind >= SnapshotKinds.LIMIT)
            {
                throw new SnapshotException("object " + i + " of kind " + kind + " out of order");
            }
            lastKind = kind;
            refs.add(switch (kind)
            {
                case SnapshotKinds.SERVER_TRANSACTION -> TransactionSnapshots.readServer(parts.transactions(), in);
                case SnapshotKinds.CLIENT_TRANSACTION -> TransactionSnapshots.readClient(parts.transactions(), in);
                case SnapshotKinds.CALL, SnapshotKinds.LEG -> CallSnapshots.readFields(kind, parts.b2bua(), in, refs);
                default -> TransferSnapshots.readFields(kind, parts.transfers(), in, refs);
            });
        }
        for (int i = 0; i < count; i++)
        {
            final Object object = refs.get(i);
            switch (kindOf(object))
            {
                case SnapshotKinds.SERVER_TRANSACTION, SnapshotKinds.CLIENT_TRANSACTION ->
                    TransactionSnapshots.readLinks(object, in, refs);
                case SnapshotKinds.CALL, SnapshotKinds.LEG -> CallSnapshots.readLinks(object, in, refs);
                default -> TransferSnapshots.readLinks(object, in, refs);
            }
        }

        final int timers = in.readInt();
        final long[] timerIds = new long[timers];
        final long[] deadlines = new long[timers];
        final TimerOwner[] owners = new TimerOwner[timers];
        for (int i = 0; i < timers; i++)
        {
            timerIds[i] = in.readLong();
            deadlines[i] = in.readLong();
            owners[i] = refs.readRef(in, TimerOwner.class);
        }
        parts.timers().restore(nowNs, wheelStartNs, wheelTickNs, timerIds, deadlines, owners);
        for (final Object st : readRefs(in, refs))
        {
            TransactionSnapshots.hold(parts.transactions(), st);
        }
        for (final Object ct : readRefs(in, refs))
        {
            TransactionSnapshots.hold(parts.transactions(), ct);
        }
        for (final Object leg : readRefs(in, refs))
        {
            CallSnapshots.holdLeg(parts.b2bua(), leg);
        }
        for (final Object request : readRefs(in, refs))
        {
            TransferSnapshots.holdPendingWebhook(parts.transfers(), request);
        }
        if (version >= 2)
        {
            CallSnapshots.readTrunkBuckets(parts.b2bua(), in);
            CallSnapshots.readSdpOrigins(parts.b2bua(), in);
        }
        if (version >= 3)
        {
            parts.b2bua().authenticator().nonces().read(in);
            CallSnapshots.readMaxForwards(parts.b2bua(), in);
            TransferSnapshots.readJoinRetries(parts.b2bua(), refs, in);
            CallSnapshots.readRouteTargets(parts.b2bua(), in);
            CallSnapshots.readLegOptions(parts.b2bua(), in);
            CallSnapshots.readEarlyDialogs(parts.b2bua(), in);
            CallSnapshots.readSessionTimers(parts.b2bua(), refs, in);
            CallSnapshots.readReliableProvisionals(parts.b2bua(), in);
            CallSnapshots.readSessionIntervals(parts.b2bua(), in);
            TransferSnapshots.readRecalls(parts.b2bua(), refs, in);
            CallSnapshots.readHeldAcks(parts.b2bua(), in);
            if (parts.b2bua().media() != null)
            {
                parts.b2bua().media().read(in, parts.b2bua().config().behaviour());
            }
            TransferSnapshots.readTargetOffers(parts.b2bua(), refs, in);
        }
        if (version >= 5)
        {
            TransactionSnapshots.readWaitingRows(parts.transactions(), in);
        }
        // Once everything a leg's offer/answer state is derived from is held (the reliable provisionals too).
        CallSnapshots.restoreOfferAnswer(parts.b2bua());
        for (int i = 0; i < count; i++)
        {
            CallSnapshots.restored(parts.b2bua(), refs.get(i));
        }
        TransferSnapshots.markReplacedCalls(refs);
        if (in.hasRemaining())
        {
            throw new SnapshotException("bytes left after the snapshot");
        }
        engine.refreshGauges();
    }

    /**
     * Numbers every object reachable from the roots: found breadth-first, in the order the roots are visited, then
     * grouped by kind (a stable counting sort). Transactions carry their indexes ({@link SnapshotObject}); calls and
     * legs, a few per call, are in an identity map.
     */
    private static final class Walk
    {
        private final List<Object> found;
        /** The kind of each object found, by its place in {@code found}: the later passes need not touch it. */
        private byte[] kinds;
        private final IdentityHashMap<Object, Integer> others = new IdentityHashMap<>();
        /** By place found, the index in the snapshot's table ({@link #numbered}). */
        private int[] tableIndex;
        /** By index in the snapshot's table, the place found: the inverse of {@link #tableIndex}. */
        private int[] order;
        private int expanded;

        Walk(final int expected)
        {
            found = new ArrayList<>(expected);
            kinds = new byte[Math.max(16, expected)];
        }

        /** Finds {@code object} unless found already; returns where it was found (-1 for null). */
        int visit(final Object object)
        {
            if (object == null)
            {
                return -1;
            }
            if (object instanceof SnapshotObject numbered)
            {
                if (SnapshotRefs.find(numbered, found))
                {
                    kindFound(numbered.snapshotKind());
                }
                return SnapshotRefs.foundAt(numbered);
            }
            final int kind = kindOf(object);
            final Integer at = others.get(object);
            if (at != null)
            {
                return at;
            }
            others.put(object, found.size());
            found.add(object);
            kindFound(kind);
            return found.size() - 1;
        }

        /** Where {@code object} was found; -1 when it was not. */
        int foundAt(final SnapshotObject object)
        {
            return SnapshotRefs.isFound(object, found) ? SnapshotRefs.foundAt(object) : -1;
        }

        /** The kind of the object at {@code tableIndex} in the snapshot's table ({@link #numbered}). */
        int kindAt(final int tableIndex)
        {
            return kinds[order[tableIndex]];
        }

        /** The index in the snapshot's table of the object found at {@code foundAt} (-1: null). */
        int refOf(final int foundAt)
        {
            return foundAt < 0 ? SnapshotRefs.NULL_REF : tableIndex[foundAt];
        }

        /** Records the kind of the object just added to {@code found}. */
        private void kindFound(final int kind)
        {
            final int index = found.size() - 1;
            if (index == kinds.length)
            {
                kinds = Arrays.copyOf(kinds, 2 * index);
            }
            kinds[index] = (byte)kind;
        }

        /** Visits the links of every object found and not yet expanded, and of those they find, and so on. */
        void expand()
        {
            final ObjectVisitor visitor = this::visit;
            for (; expanded < found.size(); expanded++)
            {
                final Object object = found.get(expanded);
                switch (kinds[expanded])
                {
                    case SnapshotKinds.SERVER_TRANSACTION, SnapshotKinds.CLIENT_TRANSACTION ->
                        TransactionSnapshots.visitLinks(object, visitor);
                    case SnapshotKinds.CALL, SnapshotKinds.LEG -> CallSnapshots.visitLinks(object, visitor);
                    default -> TransferSnapshots.visitLinks(object, visitor);
                }
            }
        }

        SnapshotRefs numbered()
        {
            final int count = found.size();
            final int[] start = new int[SnapshotKinds.LIMIT + 1];
            for (int i = 0; i < count; i++)
            {
                start[kinds[i]]++;
            }
            for (int kind = 1, before = 0; kind <= SnapshotKinds.LIMIT; kind++)
            {
                final int ofKind = start[kind];
                start[kind] = before;
                before += ofKind;
            }
            order = new int[count];
            for (int i = 0; i < count; i++)
            {
                order[start[kinds[i]]++] = i;
            }
            final SnapshotRefs refs = new SnapshotRefs(count);
            tableIndex = new int[count];
            for (int index = 0; index < count; index++)
            {
                final int i = order[index];
                refs.add(found.get(i));
                tableIndex[i] = index;
            }
            return refs;
        }
    }

    private static int kindOf(final Object object)
    {
        if (object instanceof SnapshotObject numbered)
        {
            return numbered.snapshotKind();
        }
        final int kind = CallSnapshots.kindOf(object);
        if (kind == 0)
        {
            throw new SnapshotException("the engine holds an object a snapshot does not know: " + object);
        }
        return kind;
    }

    /** The references to the objects found at {@code found}, in the order of their indexes. */
    private static void writeInTableOrder(final SnapshotWriter out, final Walk walk, final int[] found)
    {
        final int[] indexes = new int[found.length];
        for (int i = 0; i < indexes.length; i++)
        {
            indexes[i] = walk.refOf(found[i]);
        }
        Arrays.sort(indexes);
        out.writeInt(indexes.length);
        for (final int index : indexes)
        {
            out.writeInt(index);
        }
    }

    private static void writeRefs(final SnapshotWriter out, final SnapshotRefs refs, final List<?> objects)
    {
        out.writeInt(objects.size());
        for (int i = 0; i < objects.size(); i++)
        {
            refs.writeRef(out, objects.get(i));
        }
    }

    private static List<Object> readRefs(final SnapshotReader in, final SnapshotRefs refs)
    {
        final int count = in.readInt();
        final List<Object> objects = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            final Object object = refs.readRef(in);
            if (object == null)
            {
                throw new SnapshotException("null member of a map");
            }
            objects.add(object);
        }
        return objects;
    }
}
