package dev.referee.engine.time;

import java.util.Arrays;

/**
 * The owner of each timer in the wheel, found by the timer's id without hashing it: the wheel ({@link TimerWheel})
 * names a timer by its spoke and its slot in the spoke ({@code spoke << 32 | slot}), so the owners sit in an array
 * laid out as the wheel's, {@code slotsPerSpoke} per spoke, which doubles (as the wheel's does) when a spoke holds
 * more. Was a {@code Long2ObjectHashMap}: at 3,000 calls/s some 300,000 timers pend, and each schedule, cancel and
 * expiry hashed into it at random, and a snapshot looked up every one. Engine thread only.
 */
final class TimerOwners
{
    private final int spokes;
    private int slotShift;
    private TimerOwner[] owners;
    private int size;

    /** For a wheel of {@code spokes} spokes (a power of two), {@code initialSlots} per spoke at first (one too). */
    TimerOwners(final int spokes, final int initialSlots)
    {
        this.spokes = spokes;
        slotShift = Integer.numberOfTrailingZeros(initialSlots);
        owners = new TimerOwner[spokes << slotShift];
    }

    /** The owner of {@code timerId}; null when it has none. */
    TimerOwner get(final long timerId)
    {
        final int spoke = (int)(timerId >>> 32);
        final int slot = (int)timerId;
        if (spoke < 0 || spoke >= spokes || slot < 0 || slot >= 1 << slotShift)
        {
            return null;
        }
        return owners[(spoke << slotShift) + slot];
    }

    /** Gives {@code timerId} its owner, in place of any it had (as {@code Map.put}). */
    void put(final long timerId, final TimerOwner owner)
    {
        final int spoke = (int)(timerId >>> 32);
        final int slot = (int)timerId;
        if (spoke < 0 || spoke >= spokes || slot < 0)
        {
            throw new IllegalArgumentException("not a timer id of the wheel: " + timerId);
        }
        while (slot >= 1 << slotShift)
        {
            grow();
        }
        final int index = (spoke << slotShift) + slot;
        if (owners[index] == null)
        {
            size++;
        }
        owners[index] = owner;
    }

    /** Takes the owner of {@code timerId} away and returns it; null when it had none. */
    TimerOwner remove(final long timerId)
    {
        final TimerOwner owner = get(timerId);
        if (owner != null)
        {
            owners[((int)(timerId >>> 32) << slotShift) + (int)timerId] = null;
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

    private void grow()
    {
        final int slots = 1 << slotShift;
        final TimerOwner[] grown = new TimerOwner[owners.length * 2];
        for (int spoke = 0; spoke < spokes; spoke++)
        {
            System.arraycopy(owners, spoke << slotShift, grown, spoke << (slotShift + 1), slots);
        }
        owners = grown;
        slotShift++;
    }

    @Override
    public String toString()
    {
        return "TimerOwners{size=" + size + ", slotsPerSpoke=" + (1 << slotShift) + ", spokes=" + spokes + "}" +
            (size == 0 ? "" : Arrays.toString(new int[]{ owners.length }));
    }
}
