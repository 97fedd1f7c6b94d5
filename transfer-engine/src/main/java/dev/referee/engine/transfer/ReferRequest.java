package dev.referee.engine.transfer;

import dev.referee.engine.call.Leg;
import dev.referee.engine.call.PendingRefer;

import dev.referee.engine.snapshot.SnapshotKinds;
import dev.referee.engine.snapshot.SnapshotObject;
import dev.referee.engine.time.EngineTimers;
import dev.referee.engine.time.TimerOwner;
import dev.referee.engine.transaction.ServerTransaction;

/**
 * A REFER accepted by policy, kept while its webhook decides (the REFER's bytes are gone once its ring slot is
 * reused, so what the transfer needs is copied here). Engine thread only.
 */
final class ReferRequest extends SnapshotObject implements TimerOwner, PendingRefer
{
    final ReferAcceptance owner;
    final ServerTransaction st;
    final Leg transferor;
    final String referTo;
    final String referredBy;
    final boolean subscribe;
    final long cseq;
    long requestId;
    long timer = EngineTimers.NO_TIMER;

    ReferRequest(final ReferAcceptance owner, final ServerTransaction st, final Leg transferor, final String referTo,
        final String referredBy, final boolean subscribe, final long cseq)
    {
        this.owner = owner;
        this.st = st;
        this.transferor = transferor;
        this.referTo = referTo;
        this.referredBy = referredBy;
        this.subscribe = subscribe;
        this.cseq = cseq;
    }

    @Override
    public void onTimer(final long timerId, final long nowNs)
    {
        owner.onWebhookTimeout(this);
    }

    @Override
    public int snapshotKind()
    {
        return SnapshotKinds.REFER_REQUEST;
    }
}
