package dev.referee.engine.snapshot;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * The objects of one snapshot and their indexes: a link (a transaction's context, a leg's peer, a timer's owner) is
 * written as the index of the object it points at (-1: null), so that restore rebuilds the same graph, shared
 * objects shared. Identity, not equality: two transactions may look alike and still be two.
 */
public final class SnapshotRefs
{
    public static final int NULL_REF = -1;

    private final IdentityHashMap<Object, Integer> indexes = new IdentityHashMap<>();
    private final List<Object> objects = new ArrayList<>();

    public void add(final Object object)
    {
        indexes.put(object, objects.size());
        objects.add(object);
    }

    public int size()
    {
        return objects.size();
    }

    public Object get(final int index)
    {
        return objects.get(index);
    }

    public int refOf(final Object object)
    {
        if (object == null)
        {
            return NULL_REF;
        }
        final Integer index = indexes.get(object);
        if (index == null)
        {
            throw new SnapshotException("object not in the snapshot: " + object);
        }
        return index;
    }

    public void writeRef(final SnapshotWriter out, final Object object)
    {
        out.writeInt(refOf(object));
    }

    public Object readRef(final SnapshotReader in)
    {
        final int ref = in.readInt();
        if (ref == NULL_REF)
        {
            return null;
        }
        if (ref < 0 || ref >= objects.size())
        {
            throw new SnapshotException("link to object " + ref + " of " + objects.size());
        }
        return objects.get(ref);
    }

    /** A link that must point at a {@code type} (or be null). */
    public <T> T readRef(final SnapshotReader in, final Class<T> type)
    {
        final Object object = readRef(in);
        if (object != null && !type.isInstance(object))
        {
            throw new SnapshotException("link to a " + object.getClass().getSimpleName() + " where a " +
                type.getSimpleName() + " belongs");
        }
        return type.cast(object);
    }
}
