package dev.referee.sip;

/**
 * Where each header value of a message lies: per entry its {@link HeaderName} id and the (offset, length) of its
 * name and value in the message buffer, in message order; per id the first entry and the number of entries, so a
 * typed lookup finds its header without a scan. Preallocated: indexing allocates nothing.
 */
final class HeaderIndex
{
    static final int NO_ENTRY = -1;
    private static final int RANGE_STRIDE = 4;

    private final int[] ids;
    /** Per entry, side by side: name offset, name length, value offset, value length (one bounds check per add). */
    private final int[] ranges;
    /** Per entry: true when the entry is a whole list value whose elements are not split yet. */
    private final boolean[] unsplit;
    private final int[] firstEntry = new int[HeaderName.COUNT];
    private final int[] entryCount = new int[HeaderName.COUNT];
    private int size;
    private int unsplitCount;
    /** The most entries there can be once every unsplit value is split: size plus each one's extra elements. */
    private int potentialSize;

    HeaderIndex(final int capacity)
    {
        ids = new int[capacity];
        ranges = new int[RANGE_STRIDE * capacity];
        unsplit = new boolean[capacity];
    }

    void clear()
    {
        // Only the counts of ids present need zeroing; firstEntry is read only where the count is not zero.
        for (int i = 0; i < size; i++)
        {
            entryCount[ids[i]] = 0;
        }
        for (int i = 0; unsplitCount > 0 && i < size; i++)
        {
            unsplitCount -= unsplit[i] ? 1 : 0;
            unsplit[i] = false;
        }
        size = 0;
        potentialSize = 0;
    }

    /** Adds an entry; false when the index is full. */
    boolean add(final int id, final int nameStart, final int nameEnd, final int valueStart, final int valueEnd)
    {
        if (size == ids.length)
        {
            return false;
        }
        final int index = size++;
        ids[index] = id;
        final int at = RANGE_STRIDE * index;
        ranges[at] = nameStart;
        ranges[at + 1] = nameEnd - nameStart;
        ranges[at + 2] = valueStart;
        ranges[at + 3] = valueEnd - valueStart;
        if (entryCount[id]++ == 0)
        {
            firstEntry[id] = index;
        }
        potentialSize++;
        return true;
    }

    /**
     * Adds a list value as one entry, to be split later ({@link #isUnsplit}); it may hold up to {@code elements}
     * elements. False, and nothing added, when that many might not fit.
     */
    boolean addUnsplit(final int id, final int nameStart, final int nameEnd, final int valueStart, final int valueEnd,
        final int elements)
    {
        if (!fits(elements) || !add(id, nameStart, nameEnd, valueStart, valueEnd))
        {
            return false;
        }
        unsplit[size - 1] = true;
        unsplitCount++;
        potentialSize += elements - 1;
        return true;
    }

    /** True when {@code entries} more are sure to fit, whatever the unsplit values hold. */
    boolean fits(final int entries)
    {
        return potentialSize + entries <= ids.length;
    }

    /** True when some entry is an unsplit list value. */
    boolean hasUnsplit()
    {
        return unsplitCount > 0;
    }

    boolean isUnsplit(final int index)
    {
        return unsplit[index];
    }

    int size()
    {
        return size;
    }

    int id(final int index)
    {
        return ids[index];
    }

    int nameOffset(final int index)
    {
        return ranges[RANGE_STRIDE * index];
    }

    int nameLength(final int index)
    {
        return ranges[RANGE_STRIDE * index + 1];
    }

    int valueOffset(final int index)
    {
        return ranges[RANGE_STRIDE * index + 2];
    }

    int valueLength(final int index)
    {
        return ranges[RANGE_STRIDE * index + 3];
    }

    /** The first entry of {@code id}; {@link #NO_ENTRY} when there is none. */
    int first(final int id)
    {
        return entryCount[id] == 0 ? NO_ENTRY : firstEntry[id];
    }

    /** How many entries {@code id} has. */
    int count(final int id)
    {
        return entryCount[id];
    }

    /** The first entry of {@code id} at or after {@code fromIndex}; {@link #NO_ENTRY} when none. */
    int find(final int id, final int fromIndex)
    {
        if (id >= 0 && id < HeaderName.COUNT && entryCount[id] == 0)
        {
            return NO_ENTRY;
        }
        for (int i = Math.max(fromIndex, 0); i < size; i++)
        {
            if (ids[i] == id)
            {
                return i;
            }
        }
        return NO_ENTRY;
    }
}
