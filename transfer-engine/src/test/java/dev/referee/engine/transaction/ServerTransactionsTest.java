package dev.referee.engine.transaction;

import dev.referee.sip.SipMessage;
import dev.referee.sip.SipMethod;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class ServerTransactionsTest
{
    private static final InetSocketAddress SOURCE = new InetSocketAddress("192.0.2.1", 5070);

    private final ServerTransactions held = new ServerTransactions();
    private final RequestCopier copier = new RequestCopier();

    @Test
    void shouldFindATransactionByBranchSentByAndMethod()
    {
        final ServerTransaction invite = hold(request("INVITE", "z9hG4bK-1", 1));
        final ServerTransaction bye = hold(request("BYE", "z9hG4bK-2", 2));
        assertSame(invite, held.find(request("INVITE", "z9hG4bK-1", 1), SipMethod.INVITE));
        assertSame(invite, held.find(request("ACK", "z9hG4bK-1", 1), SipMethod.INVITE));
        assertSame(bye, held.find(request("BYE", "z9hG4bK-2", 2), SipMethod.BYE));
        assertNull(held.find(request("CANCEL", "z9hG4bK-1", 1), SipMethod.CANCEL));
        assertNull(held.find(request("BYE", "z9hG4bK-3", 2), SipMethod.BYE));
        assertEquals("z9hG4bK-1|192.0.2.1:5070|INVITE", invite.key());
        assertEquals(2, held.size());
    }

    @Test
    void shouldMatchRfc2543RequestsByCallIdFromTagCSeqAndVia()
    {
        final ServerTransaction st = hold(request("INVITE", "old-1", 7));
        assertSame(st, held.find(request("INVITE", "old-1", 7), SipMethod.INVITE));
        assertNull(held.find(request("INVITE", "old-1", 8), SipMethod.INVITE));
    }

    @Test
    void shouldLetGoOnlyOfTheTransactionHeld()
    {
        final ServerTransaction first = hold(request("BYE", "z9hG4bK-1", 2));
        final ServerTransaction second = hold(request("BYE", "z9hG4bK-1", 2)); // same key: replaces, as Map.put
        assertEquals(1, held.size());
        held.remove(first);
        assertSame(second, held.find(request("BYE", "z9hG4bK-1", 2), SipMethod.BYE));
        held.remove(second);
        assertNull(held.find(request("BYE", "z9hG4bK-1", 2), SipMethod.BYE));
        assertEquals(0, held.size());
    }

    @Test
    void shouldKeepTransactionsWhoseKeysShareAHashApart()
    {
        final SipMessage a = request("BYE", "z9hG4bK-a", 2);
        final SipMessage b = request("BYE", "z9hG4bK-b", 2);
        final ServerTransaction stA = new ServerTransaction(null,
            held.copy(a, SipMethod.BYE, SOURCE, copier), SipMethod.BYE, 2, 0, SOURCE, 0);
        // A second transaction forced onto the first one's hash: found by its own key bytes, not by the hash.
        final long hash = stA.copy.keyHash();
        final RequestCopy copyB = held.copy(b, SipMethod.BYE, SOURCE, copier);
        copyB.keyHash(hash);
        final ServerTransaction stB = new ServerTransaction(null, copyB, SipMethod.BYE, 2, 0, SOURCE, 0);
        held.hold(stA);
        held.hold(stB);
        assertEquals(2, held.size());
        assertSame(stA, held.findByHash(a, SipMethod.BYE, hash));
        assertSame(stB, held.findByHash(b, SipMethod.BYE, hash));
        held.remove(stB);
        assertSame(stA, held.findByHash(a, SipMethod.BYE, hash));
        assertNull(held.findByHash(b, SipMethod.BYE, hash));
        held.remove(stA);
        assertEquals(0, held.size());
    }

    private ServerTransaction hold(final SipMessage request)
    {
        final ServerTransaction st = new ServerTransaction(null, held.copy(request, request.method(), SOURCE, copier),
            request.method(), request.cseqNumber(), 0, SOURCE, 0);
        held.hold(st);
        return st;
    }

    private static SipMessage request(final String method, final String branch, final long cseq)
    {
        final String text = method + " sip:bob@192.0.2.2 SIP/2.0\r\n" +
            "Via: SIP/2.0/UDP 192.0.2.1:5070;branch=" + branch + "\r\n" +
            "Max-Forwards: 70\r\nFrom: <sip:alice@192.0.2.1>;tag=a1\r\nTo: <sip:bob@192.0.2.2>\r\n" +
            "Call-ID: c1@192.0.2.1\r\nCSeq: " + cseq + " " + (method.equals("ACK") ? "ACK" : method) + "\r\n" +
            "Content-Length: 0\r\n\r\n";
        final byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        final SipMessage message = new SipMessage();
        if (!message.parse(new UnsafeBuffer(bytes), 0, bytes.length))
        {
            throw new IllegalStateException(message.errorReason());
        }
        return message;
    }
}
