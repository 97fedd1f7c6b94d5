package dev.referee.engine.auth;

import dev.referee.engine.id.IdKey;
import dev.referee.engine.id.SipHash24;
import dev.referee.engine.snapshot.SnapshotException;
import dev.referee.engine.snapshot.SnapshotReader;
import dev.referee.engine.snapshot.SnapshotWriter;

import org.agrona.collections.LongHashSet;

import java.nio.charset.StandardCharsets;

/**
 * Server nonces (RFC 7616 §3.3): made by the engine, checkable without state, time-limited and single use.
 * <p>
 * A nonce is 48 lowercase hex digits: the engine time it was issued (ns), a counter, and a SipHash-2-4 MAC of both
 * under a key derived from the journaled identifier key. Only Referee can make one that checks; the issue time in it
 * says whether it expired ({@link #LIFETIME_NS}) with nothing stored; the counter makes each one unique, so that the
 * counters of the nonces already answered are the whole single-use record. That record is bounded: it keeps a nonce
 * until it expires (after which the time check refuses it anyway) and holds at most {@link #USED_CAPACITY}; when
 * full, a new answer is refused (503) rather than the record grown or an entry forgotten early, which would let a
 * replay through.
 * <p>
 * Deterministic: engine time comes from the inputs and the key from the journal, so replay issues and accepts the
 * same nonces. The counter and the record are engine state (snapshot version 3). Engine thread only.
 */
public final class Nonces
{
    /** How long a nonce may be answered: a UA answers a challenge at once, 30 s leaves room for slow links. */
    public static final long LIFETIME_NS = 30_000_000_000L;
    /** Nonces answered within one lifetime, at most: about 1,000 authenticated requests per second sustained. */
    public static final int USED_CAPACITY = 32_768;
    /** Hex digits of one 64-bit field; a nonce holds three. */
    private static final int FIELD_DIGITS = 16;
    static final int LENGTH = 3 * FIELD_DIGITS;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** What {@link #check} found. */
    public enum Check
    {
        /** Made here, not expired, not answered before. */
        FRESH,
        /** Made here, past its lifetime. */
        EXPIRED,
        /** Made here and answered before: a replay, or a UA reusing it. */
        USED,
        /** Not one of ours (or altered). */
        FORGED
    }

    private final SipHash24 mac;
    private final byte[] macInput = new byte[2 * Long.BYTES];
    private final StringBuilder builder = new StringBuilder(LENGTH);
    private final int capacity;
    private final long[] usedCounters;
    private final long[] usedUntilNs;
    private final LongHashSet used;
    private int head;
    private int size;
    private long counter;
    /** The fields of the nonce {@link #check} last read (engine thread, so no object per check). */
    private long checkedCounter;
    private long checkedIssuedNs;

    /** {@code capacity}: the bound of the single-use record; 0 when no trunk authenticates (nothing is allocated). */
    public Nonces(final IdKey key, final int capacity)
    {
        // A key of its own for nonces, derived from the identifier key: a nonce MAC and an identifier never come from
        // the same PRF input, whatever the counters. The 17-byte inputs differ in length from every identifier input.
        final SipHash24 derive = new SipHash24(key.k0(), key.k1());
        final byte[] label = "referee nonce key".getBytes(StandardCharsets.US_ASCII);
        final long k0 = derive.hash(label, 0, label.length);
        label[label.length - 1] = 'Y';
        this.mac = new SipHash24(k0, derive.hash(label, 0, label.length));
        this.capacity = capacity;
        this.usedCounters = new long[capacity];
        this.usedUntilNs = new long[capacity];
        this.used = new LongHashSet(Math.max(capacity, 8));
    }

    /** The bound of the single-use record (0: none, no trunk authenticated when it was made). */
    public int capacity()
    {
        return capacity;
    }

    /**
     * These nonces with a single-use record of {@code capacity} (empty: none recorded had a record to be in): the
     * counter goes on, so no nonce is issued twice. {@code key}: the one these were made with.
     */
    public Nonces withCapacity(final IdKey key, final int capacity)
    {
        final Nonces wider = new Nonces(key, capacity);
        wider.counter = counter;
        return wider;
    }

    /** A new nonce issued at {@code nowNs}. */
    public String issue(final long nowNs)
    {
        final long n = ++counter;
        builder.setLength(0);
        appendHex(nowNs);
        appendHex(n);
        appendHex(mac(nowNs, n));
        return builder.toString();
    }

    /** Checks {@code nonce} at {@code nowNs}; when not FORGED, {@link #consume} may mark it used next. */
    public Check check(final CharSequence nonce, final long nowNs)
    {
        if (nonce == null || nonce.length() != LENGTH)
        {
            return Check.FORGED;
        }
        final long issuedNs = parseHex(nonce, 0);
        final long n = parseHex(nonce, FIELD_DIGITS);
        final long tag = parseHex(nonce, 2 * FIELD_DIGITS);
        final long expected = mac(issuedNs, n);
        // A nonce with bad hex digits parses to something whose MAC does not match: forged.
        if ((tag ^ expected) != 0 || !allHex(nonce))
        {
            return Check.FORGED;
        }
        checkedCounter = n;
        checkedIssuedNs = issuedNs;
        if (nowNs - issuedNs >= LIFETIME_NS || nowNs < issuedNs)
        {
            return Check.EXPIRED;
        }
        forgetExpired(nowNs);
        return used.contains(n) ? Check.USED : Check.FRESH;
    }

    /** Marks the nonce {@link #check} last found FRESH as used; false when the record is full (nothing marked). */
    public boolean consume(final long nowNs)
    {
        forgetExpired(nowNs);
        if (size == capacity)
        {
            return false;
        }
        final int tail = (head + size) % capacity;
        usedCounters[tail] = checkedCounter;
        usedUntilNs[tail] = checkedIssuedNs + LIFETIME_NS;
        used.add(checkedCounter);
        size++;
        return true;
    }

    /** Nonces in the single-use record now. */
    public int usedCount()
    {
        return size;
    }

    /**
     * Drops the oldest answered nonces once expired. The record is in the order of answering, not of issue: one that
     * is not yet expired may hold back later ones that are, which only keeps them a little longer (never past the
     * bound), and keeps this O(1) per nonce.
     */
    private void forgetExpired(final long nowNs)
    {
        while (size > 0 && nowNs >= usedUntilNs[head])
        {
            used.remove(usedCounters[head]);
            head = (head + 1) % capacity;
            size--;
        }
    }

    private long mac(final long issuedNs, final long n)
    {
        for (int i = 0; i < Long.BYTES; i++)
        {
            macInput[i] = (byte)(issuedNs >>> (8 * i));
            macInput[Long.BYTES + i] = (byte)(n >>> (8 * i));
        }
        return mac.hash(macInput, 0, macInput.length);
    }

    private void appendHex(final long value)
    {
        for (int i = FIELD_DIGITS - 1; i >= 0; i--)
        {
            builder.append(HEX[(int)((value >>> (i * 4)) & 0xF)]);
        }
    }

    private static long parseHex(final CharSequence text, final int offset)
    {
        long value = 0;
        for (int i = offset; i < offset + FIELD_DIGITS; i++)
        {
            value = (value << 4) | (Character.digit(text.charAt(i), 16) & 0xF);
        }
        return value;
    }

    private static boolean allHex(final CharSequence text)
    {
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f'))
            {
                return false;
            }
        }
        return true;
    }

    // ---- snapshot hooks (EngineSnapshot, version 3) -----------------------------------------------------------

    public void write(final SnapshotWriter out)
    {
        out.writeLong(counter);
        out.writeInt(size);
        for (int i = 0; i < size; i++)
        {
            final int slot = (head + i) % capacity;
            out.writeLong(usedCounters[slot]);
            out.writeLong(usedUntilNs[slot]);
        }
    }

    public void read(final SnapshotReader in)
    {
        counter = in.readLong();
        final int count = in.readInt();
        if (count < 0 || count > capacity)
        {
            throw new SnapshotException("snapshot of " + count + " used nonces, room for " + capacity);
        }
        used.clear();
        head = 0;
        size = count;
        for (int i = 0; i < count; i++)
        {
            usedCounters[i] = in.readLong();
            usedUntilNs[i] = in.readLong();
            used.add(usedCounters[i]);
        }
    }
}
