package dev.referee.engine.snapshot;

/**
 * An engine object a snapshot may hold by the hundred thousand (a transaction; a transfer and a REFER waiting for its
 * webhook too). It carries the index the last walk over it gave it, so that the walk and every link to it cost a
 * field read instead of an identity-map lookup: at 3,000 calls/s some 300,000 transactions wait out 64*T1, and the
 * identity map was a third of the time a snapshot held the engine thread (docs/journal-format.md "Snapshots"). The
 * index is believed only when the walk's own table holds this very object there ({@link SnapshotRefs}), so an index
 * left by an earlier walk needs no clearing. Calls and legs are not ones: a few per call, and the engine's
 * allocation per call has a budget that their extra int would break (alignment makes it 8 bytes). Engine thread only.
 */
public abstract class SnapshotObject
{
    /** Where the last walk over this object put it; checked against that walk's table before use. */
    int walkIndex = -1;

    /** One of {@link SnapshotKinds}. */
    public abstract int snapshotKind();
}
