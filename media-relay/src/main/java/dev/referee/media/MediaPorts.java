package dev.referee.media;

import java.util.BitSet;

/**
 * The relay's port pairs in {@code media.ports}: even RTP ports, RTCP on RTP + 1 (RFC 3550 §11), allocated and
 * released by the engine thread only (it decides allocations as outputs, so this class is not thread-safe).
 * <p>
 * Deterministic: the same sequence of {@link #allocate()} and {@link #release(int)} from the same start gives the
 * same ports, so a node that replays its journal re-opens the ports its calls had. Allocation goes round the range
 * from a cursor instead of taking the lowest free pair: a pair just released is the last to be handed out again, so
 * the stragglers of a call that ended (a peer still sending for a moment) do not land in the next call.
 * <p>
 * Bounded by the range itself: one bit per pair; {@link #EXHAUSTED} when every pair is in use (the engine answers
 * the INVITE 503).
 */
public final class MediaPorts
{
    /** {@link #allocate()}'s answer when every pair of the range is in use. */
    public static final int EXHAUSTED = -1;

    private final int firstPort;
    private final int pairs;
    private final BitSet used;
    private int cursor;
    private int inUse;

    /** Pairs whose both ports lie in {@code lowPort..highPort} (inclusive), starting at the first even port. */
    public MediaPorts(final int lowPort, final int highPort)
    {
        if (lowPort < 1 || highPort > 65535 || lowPort > highPort)
        {
            throw new IllegalArgumentException("media port range " + lowPort + "-" + highPort);
        }
        firstPort = (lowPort + 1) & ~1;
        pairs = Math.max(0, (highPort - firstPort + 1) / 2);
        if (pairs == 0)
        {
            throw new IllegalArgumentException("media port range " + lowPort + "-" + highPort + " holds no even pair");
        }
        used = new BitSet(pairs);
    }

    /** The range as the configuration writes it: {@code "30000-39999"}. */
    public static MediaPorts parse(final String range)
    {
        final int dash = range.indexOf('-');
        if (dash <= 0)
        {
            throw new IllegalArgumentException("media port range '" + range + "': expected LOW-HIGH");
        }
        try
        {
            return new MediaPorts(Integer.parseInt(range.substring(0, dash).trim()),
                Integer.parseInt(range.substring(dash + 1).trim()));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("media port range '" + range + "': expected LOW-HIGH", ex);
        }
    }

    /** The RTP port of a free pair (RTCP is the port after it), or {@link #EXHAUSTED}. */
    public int allocate()
    {
        int slot = used.nextClearBit(cursor);
        if (slot >= pairs)
        {
            slot = used.nextClearBit(0);
            if (slot >= pairs)
            {
                return EXHAUSTED;
            }
        }
        used.set(slot);
        inUse++;
        cursor = slot + 1 == pairs ? 0 : slot + 1;
        return firstPort + 2 * slot;
    }

    /**
     * Takes a given pair (a snapshot being restored); false when it is not a pair of the range or already in use.
     * The cursor does not move: restore it with {@link #cursorPort(int)}.
     */
    public boolean claim(final int rtpPort)
    {
        final int slot = slotOf(rtpPort);
        if (slot < 0 || used.get(slot))
        {
            return false;
        }
        used.set(slot);
        inUse++;
        return true;
    }

    /** Gives a pair back; false (and nothing changes) when it is not a pair of the range or not in use. */
    public boolean release(final int rtpPort)
    {
        final int slot = slotOf(rtpPort);
        if (slot < 0 || !used.get(slot))
        {
            return false;
        }
        used.clear(slot);
        inUse--;
        return true;
    }

    /** Whether the pair of this RTP port is allocated. */
    public boolean isInUse(final int rtpPort)
    {
        final int slot = slotOf(rtpPort);
        return slot >= 0 && used.get(slot);
    }

    /** The RTP port the next allocation starts looking from: with the pairs in use, the whole state to snapshot. */
    public int cursorPort()
    {
        return firstPort + 2 * cursor;
    }

    /** Restores the cursor a snapshot recorded ({@link #cursorPort()}). */
    public void cursorPort(final int rtpPort)
    {
        final int slot = slotOf(rtpPort);
        if (slot < 0)
        {
            throw new IllegalArgumentException("not an RTP port of the range: " + rtpPort);
        }
        cursor = slot;
    }

    /** Pairs allocated now (/status). */
    public int inUse()
    {
        return inUse;
    }

    /** Pairs the range holds. */
    public int capacity()
    {
        return pairs;
    }

    private int slotOf(final int rtpPort)
    {
        final int offset = rtpPort - firstPort;
        if (offset < 0 || (offset & 1) != 0 || offset / 2 >= pairs)
        {
            return -1;
        }
        return offset / 2;
    }
}
