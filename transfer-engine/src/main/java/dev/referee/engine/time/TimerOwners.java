package dev.referee.engine.time;

/**
 * The owner of each timer in the wheel, found by the timer's id without hashing it: the wheel ({@link TimerWheel})
 * names a timer by its spoke and its slot in the spoke ({@code spoke << 32 | slot}), so the owners sit in an array
 * per spoke, each as long as the wheel's spoke: it doubles when its spoke holds more, and only then (one crowded spoke
 * does not grow the others, see {@link TimerWheel}). Was a {@code Long2ObjectHashMap}: at 3,000 calls/s some 300,000
 * timers pend, and each schedule, cancel and expiry hashed into it at random, and a snapshot looked up every one.
 * Engine thread only.
 */
final class TimerOwners
{
    private final TimerOwner[][] owners;
    private int size;

    /** For a wheel of {@code spokes} spokes, {@code initialSlots} per spoke at first (a power of two). */
    TimerOwners(final int spokes, final int initialSlots)
    {
        owners = new TimerOwner[spokes][];
        for (int spoke = 0; spoke < spokes; spoke++)
        {
            owners[spoke] = new TimerOwner[initialSlots];
        }
    }

    /** The owner of {@code timerId}; null when it has none. */
    TimerOwner get(final long timerId)
    {
        final int spoke = (int)(timerId >>> 32);
        final int slot = (int)timerId;
        if (spoke < 0 || spoke >= owners.length || slot < 0 || slot >= owners[spoke].length)
        {
            return null;
        }
        return owners[spoke][slot];
    }

    /** Gives {@code timerId} its owner, in place of any it had (as {@code Map.put}). */
    void put(final long timerId, final TimerOwner owner)
    {
        final int spoke = (int)(timerId >>> 32);
        final int slot = (int)timerId;
        if (spoke < 0 || spoke >= owners.length || slot < 0)
        {
            throw new IllegalArgumentException("not a timer id of the wheel: " + timerId);
        }
        TimerOwner[] spokeOwners = owners[spoke];
        if (slot >= spokeOwners.length)
        {
            spokeOwners = java.util.Arrays.copyOf(spokeOwners, Integer.highestOneBit(slot) << 1);
            owners[spoke] = spokeOwners;
        }
        if (spokeOwners[slot] == null)
        {
            size++;
        }
        spokeOwners[slot] = owner;
    }

    /** Takes the owner of {@code timerId} away and returns it; null when it had none. */
    TimerOwner remove(final long timerId)
    {
        final TimerOwner owner = get(timerId);
        if (owner != null)
        {
            owners[(int)(timerId >>> 32)][(int)timerId] = null;
            size--;
        }
        return owner;
    }

    int size()
    {
        return size;
    }

    boolean isEmpty()
    {
        return size == 0;
    }

    /** The slots of every spoke together (memory follows it). */
    long slotsInAll()
    {
        long slots = 0;
        for (final TimerOwner[] spoke : owners)
        {
            slots += spoke.length;
        }
        return slots;
    }

    @Override
    public String toString()
    {
        return "TimerOwners{size=" + size + ", spokes=" + owners.length + ", slotsInAll=" + slotsInAll() + "}";
    }
}
