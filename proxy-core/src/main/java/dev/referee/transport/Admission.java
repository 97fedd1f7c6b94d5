package dev.referee.transport;

import dev.referee.ring.Counter;
import dev.referee.ring.EngineProgress;
import dev.referee.sip.AsciiView;
import dev.referee.sip.SipMessage;
import dev.referee.sip.SipMethod;

import org.agrona.DirectBuffer;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * Decides, on a receive thread and before the engine spends anything on it, what happens to a received message
 * (RFC 6357: shed early, at the edge, and only new work):
 * <ul>
 *   <li>{@link #ABSORB}: a request whose earlier copy (same source, Call-ID, CSeq, method and branch) is still
 *   waiting in the inbound ring. The engine has not answered it yet, so the retransmission carries nothing new;
 *   under load, passing retransmissions on is what turns a slow engine into a congestion collapse. Also the ACK
 *   of a 503 this thread shed an INVITE with: the engine has no transaction for it.</li>
 *   <li>{@link #SHED}: a new dialog-creating INVITE (no To tag) while the engine lags more than
 *   {@code overload.max-lag}, or its lag stands above {@code overload.standing-lag} ({@link StandingLag}), or the
 *   ring is fuller than {@code overload.max-ring-fill}. The lag counts the INVITE's own wait in the kernel's socket
 *   buffer ({@link #socketWait}), which a receive thread short of CPU makes long while the engine's lag stays short.
 *   It gets a stateless 503 with Retry-After at once ({@link #response()}). The lag of a planned pause of the engine (a journal snapshot) and of
 *   the inputs that waited for it does not shed ({@link EngineProgress#catchingUpWithPause()}); the ring's fill
 *   does.</li>
 *   <li>{@link #ADMIT}: everything else. Requests of established dialogs, ACK, CANCEL and responses are never shed:
 *   they finish work already paid for.</li>
 * </ul>
 * One per receive thread (it keeps a table of the requests it published); counters are that thread's.
 */
public final class Admission
{
    public static final int ADMIT = 0;
    public static final int SHED = 1;
    public static final int ABSORB = 2;

    /** Slots probed per lookup in the table of queued requests. */
    private static final int PROBES = 8;
    /** INVITEs shed lately whose ACK is awaited: a direct-mapped table, a newer key taking an older one's place. */
    private static final int SHED_KEYS = 4_096;
    /** A 503's ACK comes within a round trip; one later than this goes to the engine, which drops it. */
    private static final long SHED_ACK_WINDOW_NS = TimeUnit.SECONDS.toNanos(5);
    private static final long NEVER = Long.MIN_VALUE;
    /** What {@link #record} found of earlier copies of a request. */
    private static final int NEW = 0;
    private static final int QUEUED = 1;
    private static final int HANDLED = 2;

    private final EngineProgress progress;
    private final OverloadResponder responder;
    private final long maxLagNs;
    private final long maxBacklog;
    private final StandingLag standingLag;
    private final long[] keys;
    private final long[] sequences;
    private final int mask;
    private final Counter admitted;
    private final Counter shed;
    private final Counter absorbed;
    private final SipMessage scratch = new SipMessage();
    private final long[] shedKeys = new long[SHED_KEYS];
    private final int shedMask = SHED_KEYS - 1;
    private long lastShedNs = NEVER;
    private long socketWaitNs;
    private ByteBuffer response;

    /**
     * @param admitted new dialog-creating requests let through; {@code shed} and {@code absorbed} as above. All three
     *                 are written by this receive thread only.
     */
    public Admission(final EngineProgress progress, final OverloadConfig config, final OverloadResponder responder,
        final Counter admitted, final Counter shed, final Counter absorbed)
    {
        this.progress = progress;
        this.responder = responder;
        this.maxLagNs = TimeUnit.MILLISECONDS.toNanos(config.maxLagMs());
        this.maxBacklog = Math.max(1, (long)progress.ringSize() * config.maxRingFillPercent() / 100);
        this.standingLag = new StandingLag(TimeUnit.MILLISECONDS.toNanos(config.standingLagMs()),
            TimeUnit.MILLISECONDS.toNanos(config.standingIntervalMs()));
        // Twice the ring: every request that can be queued at once has a slot, with room for probing.
        final int capacity = Integer.highestOneBit(Math.max(64, progress.ringSize()) * 2);
        this.keys = new long[capacity];
        this.sequences = new long[capacity];
        this.mask = capacity - 1;
        this.admitted = admitted;
        this.shed = shed;
        this.absorbed = absorbed;
    }

    /**
     * The verdict on {@code message}, parsed into inbound slot {@code sequence} and received at {@code nowNs}. For
     * {@link #SHED} the 503 is ready in {@link #response()}.
     */
    public int verdict(final SipMessage message, final boolean parsed, final InetSocketAddress source,
        final long sequence, final long nowNs)
    {
        if (!parsed || !message.isRequest())
        {
            return ADMIT; // the engine answers malformed requests; responses are never held back
        }
        if (message.method() == SipMethod.ACK)
        {
            return ackOfShed(message, source, nowNs) ? ABSORB : ADMIT;
        }
        final long key = key(message, source);
        final int earlier = record(key, sequence);
        if (earlier == QUEUED)
        {
            absorbed.increment();
            return ABSORB;
        }
        if (message.method() == SipMethod.INVITE && message.to().tag().isEmpty())
        {
            if (overloaded(sequence, nowNs))
            {
                response = responder.respondTo(message);
                if (response != null)
                {
                    forget(key, sequence);
                    recordShed(key, nowNs);
                    shed.increment();
                    return SHED;
                }
            }
            if (earlier == NEW)
            {
                // A copy of a call the engine has handled already goes on (the engine answers it from its
                // transaction) but is no new call.
                admitted.increment();
            }
        }
        return ADMIT;
    }

    /**
     * While the engine is overloaded, judges a message before any ring slot is claimed for it, so that shed calls
     * and absorbed retransmissions take no room from the messages of established dialogs. Parses into this thread's
     * own message (a second parse, paid only under overload, for what is then admitted).
     *
     * @param nextSequence the slot the message would take (the ring's cursor + 1).
     * @return {@link #SHED} (503 in {@link #response()}), {@link #ABSORB}, or {@link #ADMIT}: claim a slot and
     * call {@link #verdict} as usual.
     */
    public int verdictBeforeClaim(final DirectBuffer buffer, final int offset, final int length,
        final InetSocketAddress source, final long nextSequence, final long nowNs)
    {
        if (!overloaded(nextSequence, nowNs) || !scratch.parse(buffer, offset, length) || !scratch.isRequest())
        {
            return ADMIT;
        }
        if (scratch.method() == SipMethod.ACK)
        {
            return ackOfShed(scratch, source, nowNs) ? ABSORB : ADMIT;
        }
        final long key = key(scratch, source);
        if (queued(key))
        {
            absorbed.increment();
            return ABSORB;
        }
        if (scratch.method() == SipMethod.INVITE && scratch.to().tag().isEmpty())
        {
            response = responder.respondTo(scratch);
            if (response != null)
            {
                recordShed(key, nowNs);
                shed.increment();
                return SHED;
            }
        }
        return ADMIT;
    }

    /**
     * How long the message about to be judged waited in the kernel's socket buffer before this thread read it (the
     * arrival stamp of its datagram; 0 where none is known). Work waits there when the receive thread itself is
     * short of CPU (a starved or oversubscribed core): the engine's lag cannot see that wait, and every admitted
     * call's messages wait behind the new calls queued with them. Counted in the lag new calls are judged by.
     */
    public void socketWait(final long waitNs)
    {
        socketWaitNs = waitNs;
    }

    /** Writes this thread's 503s, also those for requests that find the ring full. */
    public OverloadResponder responder()
    {
        return responder;
    }

    /** The 503 for the last {@link #SHED} verdict: position 0, limit at its end; valid until the next verdict. */
    public ByteBuffer response()
    {
        return response;
    }

    /**
     * True when a new call in slot {@code sequence} is to be refused: too much, or too old, work ahead of it, or a
     * lag that stands ({@link StandingLag}). The lag is the engine's plus the message's own wait in the socket
     * ({@link #socketWait}): the delay its call's messages meet from the wire to the engine.
     */
    public boolean overloaded(final long sequence, final long nowNs)
    {
        if (progress.backlogBefore(sequence) > maxBacklog)
        {
            return true;
        }
        if (progress.catchingUpWithPause())
        {
            // A journal snapshot held the engine: its lag is the pause's, not offered work beyond the capacity, and
            // drains once the pause is over (at 3,000 calls/s a second's pause shed hundreds of calls). The ring's
            // room still bounds what waits; a queue that stands once it caught up is judged again then.
            standingLag.plannedPause(nowNs);
            return socketWaitNs > maxLagNs; // the receive side's own backlog is no planned pause
        }
        final long lagNs = progress.lagNsBefore(sequence, nowNs) + socketWaitNs;
        return standingLag.shed(lagNs, nowNs) || lagNs > maxLagNs;
    }

    /**
     * {@link #QUEUED} when a request with {@code key} is already waiting in the ring; otherwise it is recorded as
     * waiting in slot {@code sequence}, and the answer is {@link #HANDLED} when an earlier copy is still remembered as
     * handled by the engine, {@link #NEW} when none is (remembered: while no other key took its slot, which a key
     * may once the engine has passed it). A recorded request stops counting as waiting once the engine has handled
     * its slot.
     */
    private int record(final long key, final long sequence)
    {
        final long handled = progress.handled();
        int free = -1;
        int index = home(key, mask);
        for (int i = 0; i < PROBES; i++, index = (index + 1) & mask)
        {
            if (keys[index] == key)
            {
                if (sequences[index] > handled)
                {
                    return QUEUED;
                }
                sequences[index] = sequence;
                return HANDLED;
            }
            if (free < 0 && (keys[index] == 0 || sequences[index] <= handled))
            {
                free = index;
            }
        }
        // Every probed slot still waiting: overwrite the first (losing one absorption, never a request).
        final int slot = free >= 0 ? free : home(key, mask);
        keys[slot] = key;
        sequences[slot] = sequence;
        return NEW;
    }

    /** True when a request with {@code key} is waiting in the ring (nothing is recorded). */
    private boolean queued(final long key)
    {
        final long handled = progress.handled();
        int index = home(key, mask);
        for (int i = 0; i < PROBES; i++, index = (index + 1) & mask)
        {
            if (keys[index] == key)
            {
                return sequences[index] > handled;
            }
        }
        return false;
    }

    /**
     * Remembers the INVITE with {@code key} was answered 503 here, so that its ACK (RFC 3261 §17.1.1.3: same
     * Call-ID, CSeq number, branch and source) can be absorbed: under overload there is one per shed call, and the
     * engine could only journal it and find no transaction for it.
     */
    private void recordShed(final long key, final long nowNs)
    {
        shedKeys[home(key, shedMask)] = key;
        lastShedNs = nowNs;
    }

    /** True (counted as absorbed) when {@code ack} acknowledges a 503 this thread shed its INVITE with. */
    private boolean ackOfShed(final SipMessage ack, final InetSocketAddress source, final long nowNs)
    {
        if (lastShedNs == NEVER || nowNs - lastShedNs > SHED_ACK_WINDOW_NS)
        {
            return false; // nothing shed lately: the common case costs no hashing
        }
        final long key = key(ack, source, SipMethod.INVITE);
        final int index = home(key, shedMask);
        if (shedKeys[index] != key)
        {
            return false;
        }
        absorbed.increment(); // the key stays: the ACK of a retransmitted INVITE's second 503 is the same
        return true;
    }

    /** A shed request is not waiting anywhere: its retransmission must be shed again, not absorbed. */
    private void forget(final long key, final long sequence)
    {
        int index = home(key, mask);
        for (int i = 0; i < PROBES; i++, index = (index + 1) & mask)
        {
            if (keys[index] == key && sequences[index] == sequence)
            {
                keys[index] = 0;
                return;
            }
        }
    }

    /** The slot where {@code key} is looked for first in a table of {@code mask} + 1 slots. */
    private static int home(final long key, final int mask)
    {
        return (int)(key ^ (key >>> 32)) & mask;
    }

    /** A 64-bit hash of what identifies a request's transaction and its sender (never 0). */
    static long key(final SipMessage message, final InetSocketAddress source)
    {
        return key(message, source, message.method());
    }

    /** {@link #key} as if the request's method were {@code method} (an ACK's, for the INVITE it acknowledges). */
    static long key(final SipMessage message, final InetSocketAddress source, final int method)
    {
        long hash = 0xcbf29ce484222325L;
        hash = mix(hash, message.callId());
        hash = mix(hash, message.topVia().branch());
        hash = hash * 0x100000001b3L ^ message.cseqNumber();
        hash = hash * 0x100000001b3L ^ method;
        hash = hash * 0x100000001b3L ^ source.getPort();
        hash = hash * 0x100000001b3L ^ source.getAddress().hashCode();
        hash ^= hash >>> 29;
        hash *= 0xbf58476d1ce4e5b9L;
        hash ^= hash >>> 32;
        return hash == 0 ? 1 : hash;
    }

    private static long mix(final long seed, final AsciiView text)
    {
        long hash = seed;
        final DirectBuffer buffer = text.buffer();
        if (buffer == null)
        {
            return hash * 0x100000001b3L;
        }
        final int end = text.offset() + text.length();
        for (int i = text.offset(); i < end; i++)
        {
            hash = (hash ^ buffer.getByte(i)) * 0x100000001b3L;
        }
        return hash * 0x100000001b3L;
    }
}
