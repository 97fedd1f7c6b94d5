package dev.referee.engine.transaction;

import dev.referee.engine.id.IdGenerator;
import dev.referee.sip.SipMessage;
import dev.referee.sip.SipMessageWriter;
import dev.referee.sip.SipMethod;
import dev.referee.sip.Via;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The server transactions held, by their RFC 3261 §17.2.3 key: branch (with the magic cookie) and sent-by, or for
 * RFC 2543 peers Call-ID, From tag, CSeq number and top Via; then the method. The key is written into a kept scratch
 * buffer and looked up by a 64-bit hash of its bytes; a hit is checked against the key bytes the transaction
 * keeps ({@link RequestCopy}), and transactions whose keys share a hash are chained. So a lookup makes no String (it
 * made two before: the key and its builder's copy) and the key is kept in the transaction's reused buffer.
 * <p>
 * Those of requests without To tag are also held by origin (From, Call-ID, CSeq: {@link RequestCopy#sameOrigin}), so
 * that a merged request, the same request again under another branch (RFC 3261 §8.2.2.2), is found: chained the
 * same way. The index is bounded as the transactions are ({@code sip.max-transactions}).
 * Engine thread only.
 */
final class ServerTransactions
{
    static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private final Long2ObjectHashMap<ServerTransaction> byHash = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<ServerTransaction> byOrigin = new Long2ObjectHashMap<>();
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[65_536]);
    private final SipMessageWriter keyWriter = new SipMessageWriter();
    private int keyLength;
    private long keyHash;
    private int size;

    int size()
    {
        return size;
    }

    /** The bytes of the key {@link #find} or {@link #copy} wrote last: {@link #lastKeyLength()} of them. */
    DirectBuffer lastKey()
    {
        return scratch;
    }

    int lastKeyLength()
    {
        return keyLength;
    }

    long lastKeyHash()
    {
        return keyHash;
    }

    /** The transaction whose key is that of {@code request} with {@code method}; null when none. */
    ServerTransaction find(final SipMessage request, final int method)
    {
        writeKey(request, method);
        return find(keyHash);
    }

    /** As {@link #find(SipMessage, int)}, looking among the transactions held under {@code hash}: for tests. */
    ServerTransaction findByHash(final SipMessage request, final int method, final long hash)
    {
        writeKey(request, method);
        return find(hash);
    }

    /** The transaction held under {@code hash} whose key is the one just written; null when none. */
    private ServerTransaction find(final long hash)
    {
        for (ServerTransaction st = byHash.get(hash); st != null; st = st.sameHash)
        {
            if (st.copy.keyEquals(scratch, keyLength))
            {
                return st;
            }
        }
        return null;
    }

    /** What a new transaction for {@code request} keeps: its key with {@code method}, and its response headers. */
    RequestCopy copy(final SipMessage request, final int method, final InetSocketAddress source,
        final RequestCopier copier)
    {
        writeKey(request, method);
        return copier.copy(request, source, scratch, keyLength);
    }

    /** Holds {@code st} under its key; a transaction held under the same key is no longer found (as Map.put). */
    void hold(final ServerTransaction st)
    {
        final ServerTransaction head = byHash.get(st.copy.keyHash());
        ServerTransaction previous = null;
        for (ServerTransaction each = head; each != null; previous = each, each = each.sameHash)
        {
            if (each.copy.keyEquals(st.copy))
            {
                if (!each.copy.toHasTag())
                {
                    unlinkOrigin(each);
                }
                unlink(each, previous);
                break;
            }
        }
        st.sameHash = byHash.get(st.copy.keyHash());
        byHash.put(st.copy.keyHash(), st);
        size++;
        if (!st.copy.toHasTag())
        {
            st.sameOrigin = byOrigin.get(st.copy.originHash());
            byOrigin.put(st.copy.originHash(), st);
        }
    }

    /**
     * Another transaction held whose request has the origin of {@code st}'s (From, Call-ID, CSeq) but not its key: the
     * request {@code st} is for was merged (RFC 3261 §8.2.2.2). Null when none, or when {@code st}'s request had a To
     * tag (only requests outside a dialog are checked).
     */
    ServerTransaction mergedWith(final ServerTransaction st)
    {
        if (st.copy == null || st.copy.toHasTag())
        {
            return null;
        }
        for (ServerTransaction each = byOrigin.get(st.copy.originHash()); each != null; each = each.sameOrigin)
        {
            if (each != st && each.method == st.method && each.copy.sameOrigin(st.copy))
            {
                return each;
            }
        }
        return null;
    }

    /**
     * Lets go of {@code st} if it is the transaction held under its key (as Map.remove(key, value)); before its copy
     * is given back, which holds the key's hash.
     */
    void remove(final ServerTransaction st)
    {
        if (!st.copy.toHasTag())
        {
            unlinkOrigin(st);
        }
        ServerTransaction previous = null;
        for (ServerTransaction each = byHash.get(st.copy.keyHash()); each != null; previous = each, each = each.sameHash)
        {
            if (each == st)
            {
                unlink(st, previous);
                return;
            }
        }
    }

    /** Every transaction held (for a snapshot; the caller orders them). */
    List<ServerTransaction> all()
    {
        final List<ServerTransaction> all = new ArrayList<>(size);
        forEach(all::add);
        return all;
    }

    /** Hands every transaction held to {@code consumer}, in hash order. */
    void forEach(final Consumer<ServerTransaction> consumer)
    {
        byHash.values().forEach(head ->
        {
            for (ServerTransaction st = head; st != null; st = st.sameHash)
            {
                consumer.accept(st);
            }
        });
    }

    /** FNV-1a of the first {@code length} bytes of {@code key}. */
    static long hash(final DirectBuffer key, final int length)
    {
        return hash(key, 0, length, FNV_OFFSET);
    }

    /** FNV-1a of bytes {@code from} to {@code to} of {@code key}, going on from {@code hash}. */
    static long hash(final DirectBuffer key, final int from, final int to, final long hash)
    {
        long h = hash;
        for (int i = from; i < to; i++)
        {
            h = (h ^ (key.getByte(i) & 0xFF)) * FNV_PRIME;
        }
        return h;
    }

    private void unlinkOrigin(final ServerTransaction st)
    {
        final long hash = st.copy.originHash();
        ServerTransaction previous = null;
        for (ServerTransaction each = byOrigin.get(hash); each != null; previous = each, each = each.sameOrigin)
        {
            if (each != st)
            {
                continue;
            }
            if (previous != null)
            {
                previous.sameOrigin = st.sameOrigin;
            }
            else if (st.sameOrigin != null)
            {
                byOrigin.put(hash, st.sameOrigin);
            }
            else
            {
                byOrigin.remove(hash);
            }
            st.sameOrigin = null;
            return;
        }
    }

    private void unlink(final ServerTransaction st, final ServerTransaction previous)
    {
        if (previous != null)
        {
            previous.sameHash = st.sameHash;
        }
        else if (st.sameHash != null)
        {
            byHash.put(st.copy.keyHash(), st.sameHash);
        }
        else
        {
            byHash.remove(st.copy.keyHash());
        }
        st.sameHash = null;
        size--;
    }

    /** The key as the String-keyed version built it, one byte per char; then its hash. */
    private void writeKey(final SipMessage request, final int method)
    {
        final SipMessageWriter key = keyWriter.wrap(scratch, 0);
        final Via via = request.topVia();
        // A branch that is only the cookie (RFC 4475 §3.2.1) identifies nothing: fall back to RFC 2543 matching.
        if (via.hasRfc3261Branch() && via.branch().length() > IdGenerator.BRANCH_COOKIE.length())
        {
            key.append(via.branch()).append('|').append(via.host()).append(':').append(via.port());
        }
        else
        {
            key.append(request.callId()).append('|').append(request.from().tag()).append('|')
                .append(request.cseqNumber()).append('|').append(via.value());
        }
        key.append('|');
        if (method == SipMethod.UNKNOWN)
        {
            key.append(request.methodName());
        }
        else
        {
            key.append(SipMethod.name(method));
        }
        keyLength = key.length();
        keyHash = hash(scratch, keyLength);
    }
}
