package dev.referee.sip;

/**
 * Where each header value of a message lies: per entry its {@link HeaderName} id and the (offset, length) of its
 * name and value in the message buffer, in message order; per id the first entry and the number of entries, so a
 * typed lookup finds its header without a scan. Preallocated: indexing allocates nothing.
 */
final class HeaderIndex
{
    static final int NO_ENTRY = -1;

    private final int[] ids;
    private final int[] nameOffsets;
    private final int[] nameLengths;
    private final int[] valueOffsets;
    private final int[] valueLengths;
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
        nameOffsets = new int[capacity];
        nameLengths = new int[capacity];
        valueOffsets = new int[capacity];
        valueLengths = new int[capacity];
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
        nameOffsets[index] = nameStart;
        nameLengths[index] = nameEnd - nameStart;
        valueOffsets[index] = valueStart;
        valueLengths[index] = valueEnd - valueStart;
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
        return nameOffsets[index];
    }

    int nameLength(final int index)
    {
        return nameLengths[index];
    }

    int valueOffset(final int index)
    {
        return valueOffsets[index];
    }

    int valueLength(final int index)
    {
        return valueLengths[index];
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
