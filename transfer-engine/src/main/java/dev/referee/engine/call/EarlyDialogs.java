package dev.referee.engine.call;

import dev.referee.engine.snapshot.SnapshotReader;
import dev.referee.engine.snapshot.SnapshotWriter;
import dev.referee.sip.AsciiView;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * The early dialogs of a leg whose INVITE forked (RFC 3261 §12.1.2, §13.2.2.4): each provisional with a To tag of
 * its own made one. The leg holds the dialog of the latest; the others are kept here by tag, so that a request of
 * any of them (from the leg's peer host) still belongs to the leg while it rings. The first 2xx drops them all: the
 * call goes on with the fork that answered, and a loser's later 2xx is released ({@link ForkedAnswers}).
 * <p>
 * Only a leg that heard two tags has an entry (a call that does not fork makes nothing here), at most
 * {@link #MAX_PER_LEG} tags each; an entry goes with the 2xx or with the leg. Engine thread only.
 */
final class EarlyDialogs
{
    /** Forks tracked per leg; a provisional of one more is still relayed, its requests are then not the leg's. */
    static final int MAX_PER_LEG = LegTags.MAX_PER_LEG;

    private final LegTags tags = new LegTags("early dialogs");

    /** A provisional with To tag {@code tag} came on {@code leg}, before the leg takes it as its dialog's. */
    void onProvisional(final Leg leg, final AsciiView tag)
    {
        if (tag.isEmpty() || leg.remoteTag == null || leg.remoteTag.isEmpty() || tag.contentEquals(leg.remoteTag))
        {
            return;
        }
        if (!tags.has(leg))
        {
            tags.add(leg, leg.remoteTag);
        }
        if (!tags.contains(leg, tag))
        {
            tags.add(leg, tag.toString());
        }
    }

    /** True when {@code tag} is that of one of {@code leg}'s early dialogs. */
    boolean isEarlyDialog(final Leg leg, final AsciiView tag)
    {
        return tags.contains(leg, tag);
    }

    /** The first 2xx on {@code leg}: the early dialogs of the other forks are dropped. */
    void onAnswer(final Leg leg)
    {
        tags.remove(leg);
    }

    /** The leg is gone. */
    void forget(final Leg leg)
    {
        tags.remove(leg);
    }

    /** By leg id, in order: count, then each leg id and its tags. */
    void write(final SnapshotWriter out)
    {
        tags.write(out);
    }

    void read(final SnapshotReader in, final Long2ObjectHashMap<Leg> legs)
    {
        tags.read(in, legs);
    }
}
