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
 * To tags kept per leg, at most {@link #MAX_PER_LEG} each (the early dialogs of forks, the forks released): only legs
 * with a tag have an entry, so a call that does not fork costs nothing. Snapshot by leg id in order. Engine thread
 * only.
 */
final class LegTags
{
    /** Tags kept per leg; one more is not kept. */
    static final int MAX_PER_LEG = 8;

    private final Long2ObjectHashMap<List<String>> tagsByLeg = new Long2ObjectHashMap<>();
    /** What the tags are, for the snapshot's errors ("early dialogs", "released forks"). */
    private final String what;

    LegTags(final String what)
    {
        this.what = what;
    }

    /** True when {@code leg} has {@code tag} among its tags. */
    boolean contains(final Leg leg, final AsciiView tag)
    {
        final List<String> tags = tagsByLeg.isEmpty() ? null : tagsByLeg.get(leg.id);
        if (tags != null)
        {
            for (int i = 0; i < tags.size(); i++)
            {
                if (tag.contentEquals(tags.get(i)))
                {
                    return true;
                }
            }
        }
        return false;
    }

    boolean has(final Leg leg)
    {
        return !tagsByLeg.isEmpty() && tagsByLeg.get(leg.id) != null;
    }

    /** Adds {@code tag} to {@code leg}'s tags (made on the first) unless it holds {@link #MAX_PER_LEG} already. */
    void add(final Leg leg, final String tag)
    {
        List<String> tags = tagsByLeg.get(leg.id);
        if (tags == null)
        {
            tags = new ArrayList<>(2);
            tagsByLeg.put(leg.id, tags);
        }
        if (tags.size() < MAX_PER_LEG)
        {
            tags.add(tag);
        }
    }

    /** {@code leg}'s tags go (its call moved on, or the leg is gone). */
    void remove(final Leg leg)
    {
        if (!tagsByLeg.isEmpty())
        {
            tagsByLeg.remove(leg.id);
        }
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
                throw new SnapshotException(what + " of leg " + id + ", which the snapshot does not hold");
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
}
