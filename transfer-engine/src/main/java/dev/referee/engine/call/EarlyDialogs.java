package dev.referee.engine.call;

import dev.referee.engine.snapshot.SnapshotException;
import dev.referee.engine.snapshot.SnapshotReader;
import dev.referee.engine.snapshot.SnapshotWriter;
import dev.referee.sip.AsciiView;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

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
    static final int MAX_PER_LEG = 8;

    private final Long2ObjectHashMap<List<String>> tagsByLeg = new Long2ObjectHashMap<>();

    /** A provisional with To tag {@code tag} came on {@code leg}, before the leg takes it as its dialog's. */
    void onProvisional(final Leg leg, final AsciiView tag)
    {
        if (tag.isEmpty() || leg.remoteTag == null || leg.remoteTag.isEmpty() || tag.contentEquals(leg.remoteTag))
        {
            return;
        }
        List<String> tags = tagsByLeg.get(leg.id);
        if (tags == null)
        {
            tags = new ArrayList<>(2);
            tagsByLeg.put(leg.id, tags);
            tags.add(leg.remoteTag);
        }
        if (!contains(tags, tag) && tags.size() < MAX_PER_LEG)
        {
            tags.add(tag.toString());
        }
    }

    /** True when {@code tag} is that of one of {@code leg}'s early dialogs. */
    boolean isEarlyDialog(final Leg leg, final AsciiView tag)
    {
        final List<String> tags = tagsByLeg.isEmpty() ? null : tagsByLeg.get(leg.id);
        return tags != null && contains(tags, tag);
    }

    /** The first 2xx on {@code leg}: the early dialogs of the other forks are dropped. */
    void onAnswer(final Leg leg)
    {
        if (!tagsByLeg.isEmpty())
        {
            tagsByLeg.remove(leg.id);
        }
    }

    /** The leg is gone. */
    void forget(final Leg leg)
    {
        onAnswer(leg);
    }

    /** By leg id, in order: count, then each leg id and its tags. */
    void write(final SnapshotWriter out)
    {
        final TreeMap<Long, List<String>> ordered = new TreeMap<>();
        tagsByLeg.forEach(ordered::put);
        out.writeInt(ordered.size());
        ordered.forEach((id, tags) ->
        {
            out.writeLong(id);
            out.writeByte(tags.size());
            tags.forEach(out::writeString);
        });
    }

    void read(final SnapshotReader in, final Long2ObjectHashMap<Leg> legs)
    {
        final int count = in.readInt();
        for (int i = 0; i < count; i++)
        {
            final long id = in.readLong();
            if (legs.get(id) == null)
            {
                throw new SnapshotException("early dialogs of leg " + id + ", which the snapshot does not hold");
            }
            final int n = in.readByte();
            final List<String> tags = new ArrayList<>(n);
            for (int t = 0; t < n; t++)
            {
                tags.add(in.readString());
            }
            tagsByLeg.put(id, tags);
        }
    }

    private static boolean contains(final List<String> tags, final AsciiView tag)
    {
        for (int i = 0; i < tags.size(); i++)
        {
            if (tag.contentEquals(tags.get(i)))
            {
                return true;
            }
        }
        return false;
    }
}
