package dev.referee.engine.transaction;

import dev.referee.engine.snapshot.SnapshotReader;
import dev.referee.engine.snapshot.SnapshotWriter;
import dev.referee.sip.SipMethod;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WaitingTransactionsTest
{
    private static final InetSocketAddress CALLER = new InetSocketAddress("192.0.2.1", 5070);
    private static final long T = 32_000_000_000L;

    @Test
    void shouldAnswerARetransmissionFromItsRowUntilItsTimeIsOver()
    {
        final WaitingTransactions rows = new WaitingTransactions(100);
        add(rows, "z9hG4bK-1|192.0.2.1:5070|BYE", "SIP/2.0 200 OK\r\n\r\n", 1_000);
        add(rows, "z9hG4bK-2|192.0.2.1:5070|INVITE", "", 2_000);

        final long bye = find(rows, "z9hG4bK-1|192.0.2.1:5070|BYE");
        assertEquals("SIP/2.0 200 OK\r\n\r\n", response(rows, bye));
        assertEquals(SipMethod.BYE, rows.method(bye));
        assertEquals(CALLER, rows.destination(bye));
        final long invite = find(rows, "z9hG4bK-2|192.0.2.1:5070|INVITE");
        assertEquals(0, rows.messageLength(invite)); // an accepted INVITE's retransmission is absorbed
        assertEquals(-1, find(rows, "z9hG4bK-1|192.0.2.1:5070|CANCEL"));
        assertEquals(-1, find(rows, "z9hG4bK-1|192.0.2.1:5071|BYE"));

        rows.expire(1_000 + T - 1);
        assertTrue(find(rows, "z9hG4bK-1|192.0.2.1:5070|BYE") >= 0);
        rows.expire(1_000 + T);
        assertEquals(-1, find(rows, "z9hG4bK-1|192.0.2.1:5070|BYE"));
        assertTrue(find(rows, "z9hG4bK-2|192.0.2.1:5070|INVITE") >= 0);
        assertEquals(1, rows.size());
    }

    @Test
    void shouldTellRowsWhoseKeysShareAHashApart()
    {
        final WaitingTransactions rows = new WaitingTransactions(100);
        // Three keys under one hash, then others probed past them: removing the first must keep the rest findable.
        rows.add(key("a|BYE"), 5, 42, false, 0, SipMethod.BYE, 0, CALLER, 0, key("A"), 1, 10);
        rows.add(key("b|BYE"), 5, 42, false, 0, SipMethod.BYE, 0, CALLER, 0, key("B"), 1, 20);
        rows.add(key("c|BYE"), 5, 43, false, 0, SipMethod.BYE, 0, CALLER, 0, key("C"), 1, 30);
        rows.add(key("d|BYE"), 5, 42, false, 0, SipMethod.BYE, 0, CALLER, 0, key("D"), 1, 40);
        assertEquals("B", response(rows, rows.find(key("b|BYE"), 5, 42)));
        assertEquals(-1, rows.find(key("b|BYE"), 5, 43));

        rows.expire(10);
        assertEquals(-1, rows.find(key("a|BYE"), 5, 42));
        assertEquals("B", response(rows, rows.find(key("b|BYE"), 5, 42)));
        assertEquals("C", response(rows, rows.find(key("c|BYE"), 5, 43)));
        assertEquals("D", response(rows, rows.find(key("d|BYE"), 5, 42)));
    }

    @Test
    void shouldFindAnOriginOnlyForTheSameMethod()
    {
        final WaitingTransactions rows = new WaitingTransactions(100);
        rows.add(key("x|INVITE"), 8, 1, true, 777, SipMethod.INVITE, 0, CALLER, 0, key(""), 0, 10);
        rows.add(key("y|BYE"), 5, 2, false, 888, SipMethod.BYE, 0, CALLER, 0, key(""), 0, 10);
        assertTrue(rows.holdsOrigin(777, SipMethod.INVITE));
        assertFalse(rows.holdsOrigin(777, SipMethod.OPTIONS));
        assertFalse(rows.holdsOrigin(888, SipMethod.BYE)); // had a To tag: not a request that can be merged
        rows.expire(10);
        assertFalse(rows.holdsOrigin(777, SipMethod.INVITE));
    }

    @Test
    void shouldLetTheOldestGoEarlyWhenFullAndCountIt()
    {
        final WaitingTransactions rows = new WaitingTransactions(4);
        for (int i = 0; i < 6; i++)
        {
            add(rows, "k" + i, "r" + i, i);
        }
        assertEquals(4, rows.size());
        assertEquals(2, rows.evictedEarly());
        assertEquals(-1, find(rows, "k1"));
        assertEquals("r2", response(rows, find(rows, "k2")));
        assertEquals("r5", response(rows, find(rows, "k5")));
    }

    @Test
    void shouldKeepEveryRowFindableAsTheTableGrowsAndWraps()
    {
        // A sliding window of rows of every size, through growth of the rows and of the bytes and many wraps.
        final WaitingTransactions rows = new WaitingTransactions(20_000);
        final Random random = new Random(7);
        final ArrayDeque<String[]> live = new ArrayDeque<>();
        long now = 0;
        for (int i = 0; i < 200_000; i++)
        {
            now += 1 + random.nextInt(3);
            final String key = "z9hG4bK-" + i + "|198.51.100." + random.nextInt(256) + ":5060|BYE";
            final String response = "SIP/2.0 200 OK\r\nCall-ID: " + "c".repeat(random.nextInt(1200)) + "\r\n\r\n";
            add(rows, key, response, now);
            live.addLast(new String[] {key, response, Long.toString(now)});
            final long window = 10_000 + random.nextInt(20_000);
            rows.expire(now - window + T);
            while (Long.parseLong(live.peekFirst()[2]) + T <= now - window + T)
            {
                assertEquals(-1, find(rows, live.removeFirst()[0]));
            }
            if (i % 997 == 0)
            {
                for (final String[] row : live)
                {
                    assertEquals(row[1], response(rows, find(rows, row[0])), row[0]);
                }
            }
        }
        assertEquals(live.size(), rows.size());
        assertEquals(0, rows.evictedEarly());
    }

    /**
     * Which row goes early depends on the rows alone: a table restored from a snapshot (its byte ring laid out anew)
     * lets the same rows go as the one it was written from, as replay after a restore must.
     */
    @Test
    void shouldLetTheSameRowsGoEarlyAfterARestore()
    {
        final WaitingTransactions written = new WaitingTransactions(1_000); // 512 KiB of rows' bytes
        final Random random = new Random(11);
        for (int i = 0; i < 40; i++)
        {
            add(written, "early-" + i, "r".repeat(1 + random.nextInt(120_000)), i);
        }
        final SnapshotWriter out = new SnapshotWriter();
        written.write(out);
        final WaitingTransactions restored = new WaitingTransactions(1_000);
        restored.read(new SnapshotReader(out.toByteArray()));
        final long before = written.evictedEarly();
        for (int i = 40; i < 80; i++)
        {
            final String response = "r".repeat(1 + random.nextInt(120_000));
            add(written, "early-" + i, response, i);
            add(restored, "early-" + i, response, i);
        }
        assertTrue(written.evictedEarly() - before > 30, "rows went early: " + (written.evictedEarly() - before));
        final SnapshotWriter a = new SnapshotWriter();
        written.write(a);
        final SnapshotWriter b = new SnapshotWriter();
        restored.write(b);
        assertArrayEquals(a.toByteArray(), b.toByteArray());
    }

    @Test
    void shouldWriteAndReadItsRowsAsTheyWere()
    {
        final WaitingTransactions rows = new WaitingTransactions(100);
        add(rows, "z9hG4bK-1|192.0.2.1:5070|BYE", "SIP/2.0 200 OK\r\n\r\n", 1_000);
        rows.add(key("z9hG4bK-2|x|INVITE"), 18, hash("z9hG4bK-2|x|INVITE"), true, 99, SipMethod.INVITE, 1,
            new InetSocketAddress("2001:db8::1", 5080), 17, key(""), 0, 2_000 + T);
        final SnapshotWriter out = new SnapshotWriter();
        rows.write(out);
        final byte[] written = out.toByteArray();

        final WaitingTransactions restored = new WaitingTransactions(100);
        restored.read(new SnapshotReader(written));
        final SnapshotWriter again = new SnapshotWriter();
        restored.write(again);
        assertArrayEquals(written, again.toByteArray());
        final long invite = find(restored, "z9hG4bK-2|x|INVITE");
        assertEquals(17, restored.connectionId(invite));
        assertEquals(1, restored.transport(invite));
        assertTrue(restored.holdsOrigin(99, SipMethod.INVITE));
        assertEquals("SIP/2.0 200 OK\r\n\r\n", response(restored, find(restored, "z9hG4bK-1|192.0.2.1:5070|BYE")));
        restored.expire(1_000 + T);
        assertEquals(1, restored.size());
    }

    private static void add(final WaitingTransactions rows, final String key, final String response,
        final long nowNs)
    {
        final UnsafeBuffer keyBytes = key(key);
        rows.add(keyBytes, key.length(), hash(key), false, 0, SipMethod.BYE, 0, CALLER, 0, key(response),
            response.length(), nowNs + T);
    }

    private static long find(final WaitingTransactions rows, final String key)
    {
        return rows.find(key(key), key.length(), hash(key));
    }

    private static String response(final WaitingTransactions rows, final long row)
    {
        assertTrue(row >= 0, "no row");
        final byte[] bytes = new byte[rows.messageLength(row)];
        rows.bytes().getBytes(rows.messageOffset(row), bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static UnsafeBuffer key(final String text)
    {
        return new UnsafeBuffer(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static long hash(final String key)
    {
        final UnsafeBuffer bytes = key(key);
        return ServerTransactions.hash(bytes, bytes.capacity());
    }
}
