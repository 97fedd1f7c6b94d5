package dev.referee.engine.snapshot;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * The objects of one snapshot and their indexes: a link (a transaction's context, a leg's peer, a timer's owner) is
 * written as the index of the object it points at (-1: null), so that restore rebuilds the same graph, shared
 * objects shared. Identity, not equality: two transactions may look alike and still be two. The many objects
 * (transactions) keep their index ({@link SnapshotObject}), believed only when this table holds that very object
 * there; the others are in an identity map.
 */
public final class SnapshotRefs
{
    public static final int NULL_REF = -1;

    private final List<Object> objects;
    /** The indexes of the objects that do not carry theirs (calls and legs: a few per call, not thousands). */
    private final IdentityHashMap<Object, Integer> others = new IdentityHashMap<>();

    /**
     * Adds {@code object} to {@code found} unless it is there already; true when added. A walk's first pass, before
     * the objects are numbered: the object's index points into {@code found} meanwhile.
     */
    public static boolean find(final SnapshotObject object, final List<Object> found)
    {
        if (isFound(object, found))
        {
            return false;
        }
        object.walkIndex = found.size();
        found.add(object);
        return true;
    }

    /** Where {@code object} is in the walk's {@code found} list, once {@link #find} put it there. */
    public static int foundAt(final SnapshotObject object)
    {
        return object.walkIndex;
    }

    /** True when {@code object} is in {@code found} ({@link #find}). */
    public static boolean isFound(final SnapshotObject object, final List<Object> found)
    {
        final int index = object.walkIndex;
        return index >= 0 && index < found.size() && found.get(index) == object;
    }

    /** A table to restore into. */
    public SnapshotRefs()
    {
        this(16);
    }

    /** A table for about {@code expected} objects. */
    public SnapshotRefs(final int expected)
    {
        objects = new ArrayList<>(expected);
    }

    /** Gives {@code object} the next index. */
    public void add(final Object object)
    {
        if (object instanceof SnapshotObject numbered)
        {
            numbered.walkIndex = objects.size();
        }
        else
        {
            others.put(object, objects.size());
        }
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
        if (object instanceof SnapshotObject numbered)
        {
            final int index = numbered.walkIndex;
            if (index >= 0 && index < objects.size() && objects.get(index) == object)
            {
                return index;
            }
        }
        else
        {
            final Integer index = others.get(object);
            if (index != null)
            {
                return index;
            }
        }
        throw new SnapshotException("object not in the snapshot: " + object);
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
