package dev.referee.transport;

import dev.referee.ring.Counter;

import org.agrona.DirectBuffer;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The border on a receive thread: judges every received message by its source before it takes a ring slot, so
 * that nothing from a source Referee does not serve reaches the engine (docs/security.md, "Receive side").
 * <ol>
 *   <li>The source address selects its trunk ({@link SourceTrunks}); the index goes with the message.</li>
 *   <li>From a source in no trunk, unless {@code security.unknown-sources: allow}, responses and ACKs are dropped
 *   (nothing Referee sent went there, and an ACK is never answered).</li>
 *   <li>Requests are flood-limited per source address ({@link FloodGuard}) unless their trunk has
 *   {@code flood: false}: over the rate, the source is blocked and dropped for {@code security.flood.block}.</li>
 *   <li>A request from a source in no trunk is then answered {@code 403} ({@link ForbiddenResponder}, in
 *   {@link #response()}) or dropped, per {@code security.unknown-sources}.</li>
 * </ol>
 * The flood check comes before the 403, so that a flood from an unknown source costs a 403 per request only up to
 * its burst. Only the first bytes of a message are looked at to tell a request from a response; only a 403 needs a
 * parse. One per receive thread, with that thread's counters.
 */
public final class BorderGuard
{
    /** {@link #check}: the message is dropped (counted). */
    public static final int DROP = -2;
    /** {@link #check}: a 403 is ready in {@link #response()}; send it to the source, publish nothing. */
    public static final int REJECT = -3;

    /** What the receive thread counts; every counter written by that thread only. */
    public record Counters(Counter unknownRejected, Counter unknownDropped, Counter floodDropped, Counter floodBlocks)
    {
        public Counters()
        {
            this(new Counter(), new Counter(), new Counter(), new Counter());
        }
    }

    /**
     * Who is known and who is flood-limited: replaced as a whole by a reload ({@link #reload}, from the admin thread),
     * read once per message by the receive thread.
     */
    private volatile Rules rules;
    private final FloodGuard flood;
    private final ForbiddenResponder forbidden = new ForbiddenResponder();
    private final Counters counters;
    private ByteBuffer response;

    // The source of the previous message and its trunk under the rules of then: the JDK hands back the same
    // InetSocketAddress object for consecutive datagrams from one sender, so a burst from one address is classified
    // once.
    private InetSocketAddress lastSource;
    private Rules lastRules;
    private int lastTrunk;

    /** The trunks' source blocks, what to do with sources in none, and which trunks the flood limit spares. */
    private record Rules(SourceTrunks trunks, UnknownSources unknownSources, boolean[] floodLimited)
    {
        static Rules of(final List<TrunkSources> trunks, final SecurityConfig security)
        {
            final boolean[] floodLimited = new boolean[trunks.size()];
            for (int i = 0; i < trunks.size(); i++)
            {
                floodLimited[i] = !security.unlimitedTrunks().contains(trunks.get(i).name());
            }
            return new Rules(new SourceTrunks(trunks), security.unknownSources(), floodLimited);
        }
    }

    public BorderGuard(final List<TrunkSources> trunks, final SecurityConfig security, final Counters counters)
    {
        this(trunks, security, counters, FloodGuard.DEFAULT_CAPACITY, System.nanoTime());
    }

    /** @param seed of the flood table's hash (any value; a fixed one in tests). */
    BorderGuard(final List<TrunkSources> trunks, final SecurityConfig security, final Counters counters,
        final int floodCapacity, final long seed)
    {
        this.rules = Rules.of(trunks, security);
        this.flood = security.flood().enabled() ?
            new FloodGuard(security.flood(), floodCapacity, seed, counters.floodBlocks()) : null;
        this.counters = counters;
    }

    /**
     * A reload: from the next message on, {@code trunks} and {@code security}'s unknown-sources and unlimited trunks
     * apply (the flood limit's rate, burst and block are the ones the guard was made with). Any thread.
     */
    public void reload(final List<TrunkSources> trunks, final SecurityConfig security)
    {
        rules = Rules.of(trunks, security);
    }

    /** A guard that lets everything through (no trunks, unknown sources allowed, no flood control). */
    public static BorderGuard open()
    {
        return new BorderGuard(List.of(), SecurityConfig.defaults(false), new Counters());
    }

    /**
     * Judges a received message.
     *
     * @param nowNs its receive time.
     * @return the index of the source's trunk, or {@link SourceTrunks#NO_TRUNK} (allowed unknown source): publish
     * it; {@link #DROP}; or {@link #REJECT}: send {@link #response()}.
     */
    public int check(final DirectBuffer buffer, final int offset, final int length, final InetSocketAddress source,
        final long nowNs)
    {
        return check(buffer, offset, length, source, trunkOf(source), nowNs);
    }

    /** {@link #check} of a message whose source's trunk is known already (a TCP connection's). */
    public int check(final DirectBuffer buffer, final int offset, final int length, final InetSocketAddress source,
        final int trunk, final long nowNs)
    {
        final Rules rules = this.rules;
        final UnknownSources unknownSources = rules.unknownSources();
        final boolean known = trunk != SourceTrunks.NO_TRUNK || unknownSources == UnknownSources.ALLOW;
        final int kind = kind(buffer, offset, length);
        if (kind == RESPONSE || kind == ACK && !known)
        {
            if (known)
            {
                return trunk;
            }
            counters.unknownDropped().increment();
            return DROP;
        }
        // A trunk index judged under rules a reload has since replaced may be past the new list: limited, to be safe.
        final boolean limited = trunk == SourceTrunks.NO_TRUNK || trunk >= rules.floodLimited().length ||
            rules.floodLimited()[trunk];
        if (flood != null && limited && !floodAllows(source.getAddress(), nowNs))
        {
            counters.floodDropped().increment();
            return DROP;
        }
        if (known)
        {
            return trunk;
        }
        if (unknownSources == UnknownSources.REJECT)
        {
            response = forbidden.respond(buffer, offset, length);
            if (response != null)
            {
                counters.unknownRejected().increment();
                return REJECT;
            }
        }
        counters.unknownDropped().increment();
        return DROP;
    }

    /** The trunk of a message's or a connection's source, under the rules in force. */
    public int trunkOf(final InetSocketAddress source)
    {
        final Rules rules = this.rules;
        if (source == lastSource && rules == lastRules)
        {
            return lastTrunk;
        }
        final int trunk = rules.trunks().isEmpty() ? SourceTrunks.NO_TRUNK : rules.trunks().trunkOf(source.getAddress());
        lastSource = source;
        lastRules = rules;
        lastTrunk = trunk;
        return trunk;
    }

    /** The trunk of a TCP connection's peer: judged when it opened, again after a reload. */
    int trunkOf(final TcpConnection connection)
    {
        final Rules rules = this.rules;
        if (connection.judgedBy != rules)
        {
            connection.trunk = trunkOf(connection.remote);
            connection.judgedBy = rules;
        }
        return connection.trunk;
    }

    /** True when a connection from this source is to be closed as soon as it is accepted: unknown, and dropped. */
    public boolean refusesConnection(final InetSocketAddress source)
    {
        if (rules.unknownSources() == UnknownSources.DROP && trunkOf(source) == SourceTrunks.NO_TRUNK)
        {
            counters.unknownDropped().increment();
            return true;
        }
        return false;
    }

    /** The 403 of the last {@link #REJECT}: position 0, limit at its end; valid until the next check. */
    public ByteBuffer response()
    {
        return response;
    }

    private boolean floodAllows(final InetAddress address, final long nowNs)
    {
        if (address instanceof Inet4Address)
        {
            return flood.allow(0, SourceTrunks.ipv4Bits((Inet4Address)address), nowNs);
        }
        final byte[] bytes = address.getAddress();
        return flood.allow(SourceTrunks.bits(bytes, 0), SourceTrunks.bits(bytes, 8), nowNs);
    }

    private static final int REQUEST = 0;
    private static final int RESPONSE = 1;
    private static final int ACK = 2;

    /** A response starts with its SIP-Version (RFC 3261 §7.2), an ACK with its method; anything else is a request. */
    private static int kind(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length >= 4)
        {
            final int first = buffer.getInt(offset, java.nio.ByteOrder.BIG_ENDIAN);
            if (first == ('S' << 24 | 'I' << 16 | 'P' << 8 | '/'))
            {
                return RESPONSE;
            }
            if (first == ('A' << 24 | 'C' << 16 | 'K' << 8 | ' '))
            {
                return ACK;
            }
        }
        return REQUEST;
    }
}
