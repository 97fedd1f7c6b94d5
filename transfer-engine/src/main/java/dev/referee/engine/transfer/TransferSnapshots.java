package dev.referee.engine.transfer;

import dev.referee.engine.call.B2bua;
import dev.referee.engine.call.InviteHeaders;
import dev.referee.engine.call.Call;
import dev.referee.engine.call.Leg;
import dev.referee.engine.message.StoredMessage;
import dev.referee.engine.snapshot.ObjectVisitor;
import dev.referee.engine.snapshot.SnapshotException;
import dev.referee.engine.snapshot.SnapshotKinds;
import dev.referee.engine.snapshot.SnapshotReader;
import dev.referee.engine.snapshot.SnapshotRefs;
import dev.referee.engine.snapshot.SnapshotWriter;
import dev.referee.engine.time.EngineTimers;
import dev.referee.engine.transaction.ServerTransaction;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Writes and restores the transfer package's state for {@code dev.referee.engine.snapshot}: transfers and REFERs
 * waiting for their webhook, with every field, and the transfer, webhook request and pickup id counters. The byte
 * layout is the one these objects had when they lived in the call package (docs/journal-format.md, Snapshots).
 * Lives here because the fields are package-private. Engine thread only.
 */
public final class TransferSnapshots
{
    private TransferSnapshots()
    {
    }

    /** REFERs whose webhook has not answered, by request id. */
    public static List<Object> pendingWebhooks(final Transfers transfers)
    {
        final List<ReferRequest> requests = new ArrayList<>(transfers.acceptance().pendingWebhooks().values());
        requests.sort(Comparator.comparingLong(request -> request.requestId));
        return new ArrayList<>(requests);
    }

    public static void holdPendingWebhook(final Transfers transfers, final Object request)
    {
        final ReferRequest restored = cast(request, ReferRequest.class);
        transfers.acceptance().pendingWebhooks().put(restored.requestId, restored);
    }

    /** Written right after the call package's counters. */
    public static void writeCounters(final Transfers transfers, final SnapshotWriter out)
    {
        out.writeLong(transfers.acceptance().nextTransferId());
        out.writeLong(transfers.acceptance().nextWebhookRequestId());
        out.writeLong(transfers.pickups().nextPickupId());
    }

    public static void readCounters(final Transfers transfers, final SnapshotReader in)
    {
        final long nextTransferId = in.readLong();
        transfers.acceptance().restoreCounters(nextTransferId, in.readLong());
        transfers.pickups().restoreNextPickupId(in.readLong());
    }

    public static void visitLinks(final Object object, final ObjectVisitor visitor)
    {
        if (object instanceof Transfer transfer)
        {
            visitor.visit(transfer.call);
            visitor.visit(transfer.transferor);
            visitor.visit(transfer.transferee);
            visitor.visit(transfer.target);
            visitor.visit(transfer.consultation);
        }
        else
        {
            final ReferRequest request = cast(object, ReferRequest.class);
            visitor.visit(request.st);
            visitor.visit(request.transferor);
        }
    }

    /** Fields, and links that restore needs to construct the object (only to kinds written before it). */
    public static void writeFields(final Object object, final SnapshotWriter out, final SnapshotRefs refs)
    {
        if (object instanceof Transfer transfer)
        {
            writeTransfer(transfer, out, refs);
        }
        else
        {
            final ReferRequest request = cast(object, ReferRequest.class);
            refs.writeRef(out, request.st);
            refs.writeRef(out, request.transferor);
            out.writeString(request.referTo);
            out.writeString(request.referredBy);
            out.writeBoolean(request.subscribe);
            out.writeLong(request.cseq);
            out.writeLong(request.requestId);
            out.writeLong(request.timer);
        }
    }

    public static Object readFields(final int kind, final Transfers transfers, final SnapshotReader in,
        final SnapshotRefs refs)
    {
        return switch (kind)
        {
            case SnapshotKinds.TRANSFER -> readTransfer(transfers, in, refs);
            case SnapshotKinds.REFER_REQUEST -> readReferRequest(transfers, in, refs);
            default -> throw new SnapshotException("not a transfer object kind: " + kind);
        };
    }

    /** Links that may point at any object, written after every object exists (a REFER request has none). */
    public static void writeLinks(final Object object, final SnapshotWriter out, final SnapshotRefs refs)
    {
        if (object instanceof Transfer transfer)
        {
            refs.writeRef(out, transfer.target);
            refs.writeRef(out, transfer.consultation);
        }
    }

    public static void readLinks(final Object object, final SnapshotReader in, final SnapshotRefs refs)
    {
        if (object instanceof Transfer transfer)
        {
            transfer.target = refs.readRef(in, Leg.class);
            transfer.consultation = refs.readRef(in, Leg.class);
        }
    }

    /**
     * After a restore: each call whose dialog an attended or blonde transfer under way replaces knows it (Call.replacedBy
     * is derived from the transfers, so it is not written).
     */
    public static void markReplacedCalls(final SnapshotRefs refs)
    {
        for (int i = 0; i < refs.size(); i++)
        {
            if (refs.get(i) instanceof Transfer transfer && transfer.consultation != null &&
                transfer.consultation.call() != null && transfer.replacesDialogIn(transfer.consultation.call()))
            {
                transfer.consultation.call().replacedBy(transfer);
            }
        }
    }

    /**
     * Node-start version 5 on: each transfer whose join keeps the target's offer for a retry after a 491 (by its
     * reference), with that offer, its type, the retry timer and the retries so far.
     */
    public static void writeJoinRetries(final B2bua b2bua, final SnapshotRefs refs, final SnapshotWriter out)
    {
        if (!b2bua.config().retriesGlaredJoin())
        {
            return;
        }
        final List<Transfer> keeping = new ArrayList<>();
        for (int i = 0; i < refs.size(); i++)
        {
            if (refs.get(i) instanceof Transfer transfer &&
                (transfer.joinOffer != null || transfer.glareTimer != EngineTimers.NO_TIMER || transfer.glareRetries > 0))
            {
                keeping.add(transfer);
            }
        }
        out.writeInt(keeping.size());
        for (final Transfer transfer : keeping)
        {
            refs.writeRef(out, transfer);
            out.writeBytes(StoredMessage.bytesOf(transfer.joinOffer));
            out.writeString(transfer.joinOfferType);
            out.writeLong(transfer.glareTimer);
            out.writeInt(transfer.glareRetries);
        }
    }

    /**
     * Node-start version 9 on, media anchored: the transfers whose INVITE to the target offered the transferee's media
     * (Transfer.targetOffered), with the headers that INVITE carried (to call again without offer after a 488).
     */
    public static void writeTargetOffers(final B2bua b2bua, final SnapshotRefs refs, final SnapshotWriter out)
    {
        if (!b2bua.config().offersTransfereeMediaToTarget())
        {
            return;
        }
        final List<Transfer> offered = new ArrayList<>();
        for (int i = 0; i < refs.size(); i++)
        {
            if (refs.get(i) instanceof Transfer transfer && transfer.targetOffered)
            {
                offered.add(transfer);
            }
        }
        out.writeInt(offered.size());
        for (final Transfer transfer : offered)
        {
            refs.writeRef(out, transfer);
            out.writeString(transfer.targetHeaders.referredBy());
            out.writeString(transfer.targetHeaders.replaces());
        }
    }

    public static void readTargetOffers(final B2bua b2bua, final SnapshotRefs refs, final SnapshotReader in)
    {
        if (!b2bua.config().offersTransfereeMediaToTarget())
        {
            return;
        }
        final int count = in.readInt();
        for (int i = 0; i < count; i++)
        {
            final Transfer transfer = refs.readRef(in, Transfer.class);
            transfer.targetOffered = true;
            transfer.targetHeaders = new InviteHeaders(in.readString(), in.readString());
        }
    }

    /** Node-start version 6 on: the transfers whose transferor was called back already (Transfer.recalled). */
    public static void writeRecalls(final B2bua b2bua, final SnapshotRefs refs, final SnapshotWriter out)
    {
        if (!b2bua.config().recallsOnce())
        {
            return;
        }
        final List<Transfer> recalled = new ArrayList<>();
        for (int i = 0; i < refs.size(); i++)
        {
            if (refs.get(i) instanceof Transfer transfer && transfer.recalled)
            {
                recalled.add(transfer);
            }
        }
        out.writeInt(recalled.size());
        for (final Transfer transfer : recalled)
        {
            refs.writeRef(out, transfer);
        }
    }

    public static void readRecalls(final B2bua b2bua, final SnapshotRefs refs, final SnapshotReader in)
    {
        if (!b2bua.config().recallsOnce())
        {
            return;
        }
        final int count = in.readInt();
        for (int i = 0; i < count; i++)
        {
            refs.readRef(in, Transfer.class).recalled = true;
        }
    }

    public static void readJoinRetries(final B2bua b2bua, final SnapshotRefs refs, final SnapshotReader in)
    {
        if (!b2bua.config().retriesGlaredJoin())
        {
            return;
        }
        final int count = in.readInt();
        for (int i = 0; i < count; i++)
        {
            final Transfer transfer = refs.readRef(in, Transfer.class);
            transfer.joinOffer = StoredMessage.of(in.readBytes());
            transfer.joinOfferType = in.readString();
            transfer.glareTimer = in.readLong();
            transfer.glareRetries = in.readInt();
        }
    }

    private static void writeTransfer(final Transfer transfer, final SnapshotWriter out, final SnapshotRefs refs)
    {
        out.writeLong(transfer.id);
        refs.writeRef(out, transfer.call);
        refs.writeRef(out, transfer.transferor);
        refs.writeRef(out, transfer.transferee);
        out.writeString(transfer.kind.wire());
        out.writeString(transfer.event);
        out.writeString(transfer.referTo);
        out.writeByte(transfer.state().ordinal());
        out.writeInt(transfer.lastNotified);
        out.writeBoolean(transfer.notifyInFlight);
        out.writeInt(transfer.waitingStatus);
        out.writeString(transfer.waitingReason);
        out.writeLong(transfer.ringTimer);
        out.writeLong(transfer.transferorByeTimer);
    }

    private static Transfer readTransfer(final Transfers transfers, final SnapshotReader in, final SnapshotRefs refs)
    {
        final long id = in.readLong();
        final Call call = refs.readRef(in, Call.class);
        final Leg transferor = refs.readRef(in, Leg.class);
        final Leg transferee = refs.readRef(in, Leg.class);
        final TransferKind kind = TransferKind.ofWire(in.readString());
        final String event = in.readString();
        final String referTo = in.readString();
        final Transfer transfer = new Transfer(id, transfers, call, transferor, transferee, kind, event, referTo);
        transfer.restoreState(enumAt(Transfer.State.values(), in.readByte()));
        transfer.lastNotified = in.readInt();
        transfer.notifyInFlight = in.readBoolean();
        transfer.waitingStatus = in.readInt();
        transfer.waitingReason = in.readString();
        transfer.ringTimer = in.readLong();
        transfer.transferorByeTimer = in.readLong();
        return transfer;
    }

    private static ReferRequest readReferRequest(final Transfers transfers, final SnapshotReader in,
        final SnapshotRefs refs)
    {
        final ServerTransaction st = refs.readRef(in, ServerTransaction.class);
        final Leg transferor = refs.readRef(in, Leg.class);
        final String referTo = in.readString();
        final String referredBy = in.readString();
        final boolean subscribe = in.readBoolean();
        final ReferRequest request = new ReferRequest(
            transfers.acceptance(), st, transferor, referTo, referredBy, subscribe, in.readLong());
        request.requestId = in.readLong();
        request.timer = in.readLong();
        return request;
    }

    private static <T> T cast(final Object object, final Class<T> type)
    {
        if (!type.isInstance(object))
        {
            throw new SnapshotException("expected a " + type.getSimpleName() + " but found " + object);
        }
        return type.cast(object);
    }

    private static <E extends Enum<E>> E enumAt(final E[] values, final int ordinal)
    {
        if (ordinal >= values.length)
        {
            throw new SnapshotException("unknown state " + ordinal + " of " +
                values[0].getDeclaringClass().getSimpleName());
        }
        return values[ordinal];
    }
}
