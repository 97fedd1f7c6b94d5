package dev.referee.engine;

import dev.referee.engine.config.EngineConfig;
import dev.referee.pipeline.PipelineConfig;
import dev.referee.ring.InboundEvent;
import dev.referee.ring.OutboundEvent;
import dev.referee.engine.config.RedirectConfig;
import dev.referee.engine.config.TransferConfig;
import dev.referee.engine.counters.EngineCounters;
import dev.referee.sip.SipMessage;
import dev.referee.transport.Transport;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How much heap one call holds in the engine, to size {@code sip.max-calls} for the heap the launcher gives (docs/
 * benchmarks.md, "Heap per call"). Not a JMH benchmark: a count of bytes, measured as the heap in use after a full GC
 * with N calls held, less the heap in use with none, divided by N, in the states a call spends time in at capacity:
 * <ul>
 * <li>{@code ringing}: INVITE relayed, 180 back (both INVITE transactions, the caller's offer kept for redirects);</li>
 * <li>{@code answered}: 200 relayed and ACKed, its transactions still in their wait states (Timer K, the 2xx copy):
 * what a node at a steady call rate holds for the last 32 s of calls;</li>
 * <li>{@code established}: the same once every transaction timer has run out;</li>
 * <li>{@code transferring}: an established call whose callee transferred the caller (REFER, 202, NOTIFY) to a
 * target that rings: the most a call holds.</li>
 * </ul>
 * The messages are phone-sized: a 1 KB INVITE with a four-codec SDP. Run with the launcher's heap:
 * {@code java -Xms1g -Xmx1g --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar
 * dev.referee.engine.CallFootprint 50000}; {@code DefaultMaxCallsTest} checks the default with it in the suite.
 */
public final class CallFootprint
{
    /** A desk phone's offer: four codecs, DTMF events, ptime, as baresip or a Polycom sends (about 330 bytes). */
    static final String PHONE_SDP = "v=0\r\no=- 3942117623 3942117623 IN IP4 127.0.0.1\r\ns=Talk\r\n" +
        "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 9 0 8 18 101\r\na=rtpmap:9 G722/8000\r\n" +
        "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:18 G729/8000\r\na=fmtp:18 annexb=no\r\n" +
        "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\n";
    /** The headers a phone adds beyond the dialog's own (about 300 bytes). */
    static final String PHONE_HEADERS = "User-Agent: Yealink SIP-T46U 108.86.0.20\r\n" +
        "Allow: INVITE, ACK, CANCEL, BYE, REFER, NOTIFY, OPTIONS, INFO, UPDATE, SUBSCRIBE, MESSAGE\r\n" +
        "Supported: replaces, timer, norefersub\r\nAllow-Events: talk, hold, conference, refer, check-sync\r\n" +
        "P-Preferred-Identity: \"Alice Example\" <sip:alice@example.com>\r\n";

    private static final InetSocketAddress CALLER = EngineHarness.CALLER;
    private static final InetSocketAddress CALLEE = EngineHarness.CALLEE;

    private final Engine engine;
    private final SipMessage message = new SipMessage();
    /** What the engine sent for the last input, kept only until the next (the phones learn from it). */
    private final List<Sent> sent = new ArrayList<>();
    private long nowNs = TimeUnit.SECONDS.toNanos(1);

    private CallFootprint(final int maxCalls)
    {
        final EngineConfig config = EngineHarness.config(maxCalls, 42, TransferConfig.defaults(), List.of(),
            RedirectConfig.defaults(), EngineHarness.routes());
        engine = new Engine(config, (transport, destination, connectionId, buffer, offset, length) ->
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            sent.add(new Sent(transport, destination, connectionId, bytes, true));
            return true;
        }, new EngineCounters());
    }

    /** The states {@link #bytesPerCall} measures, from least to most held. */
    public static final List<String> STATES = List.of("answered", "established", "ringing", "transferring");

    public static void main(final String[] args)
    {
        final int calls = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        System.out.printf("heap max %,d MiB, %,d calls per state%n", Runtime.getRuntime().maxMemory() >> 20, calls);
        for (final String state : STATES)
        {
            System.out.printf("%-13s %,7d bytes per call%n", state, bytesPerCall(state, calls));
        }
        System.out.printf("%-13s %,7d bytes per server transaction%n", "transaction", bytesPerTransaction(calls));
        System.out.printf("%-13s %,7d KiB (inbound and outbound rings of the default pipeline, slots as created)%n",
            "rings", ringBytes() >> 10);
    }

    /** Heap held per call in {@code state} (one of {@link #STATES}), over {@code calls} calls held at once. */
    public static long bytesPerCall(final String state, final int calls)
    {
        final CallFootprint footprint = new CallFootprint(calls + 1);
        footprint.tick(1);
        final long before = usedAfterGc();
        footprint.hold(calls, state);
        final long after = usedAfterGc();
        if (footprint.engine.activeCalls() != calls)
        {
            throw new IllegalStateException(state + ": " + footprint.engine.activeCalls() + " calls held");
        }
        return (after - before) / calls;
    }

    /**
     * Heap held per server transaction: OPTIONS outside any dialog, answered by Referee itself and kept for 32 s
     * (Timer J) to answer retransmissions, the kind sip.max-transactions bounds.
     */
    public static long bytesPerTransaction(final int transactions)
    {
        final CallFootprint footprint = new CallFootprint(transactions); // max-transactions twice that
        footprint.tick(1);
        final long before = usedAfterGc();
        for (int i = 0; i < transactions; i++)
        {
            final SipPhone pinger = new SipPhone("ping" + i, CALLER);
            footprint.receive(CALLER, pinger.invite("bob", "ping-" + i + "@alice").replace("INVITE", "OPTIONS")
                .replace(SipPhone.SDP, "").replaceFirst("Content-Length: [0-9]+", "Content-Length: 0"));
        }
        final long after = usedAfterGc();
        if (footprint.engine.transactions() != transactions)
        {
            throw new IllegalStateException("OPTIONS: " + footprint.engine.transactions() + " transactions held");
        }
        return (after - before) / transactions;
    }

    /** Heap held by the slots of the node's two rings at their default sizes, as created (before any message). */
    public static long ringBytes()
    {
        final PipelineConfig pipeline = PipelineConfig.defaults();
        final long before = usedAfterGc();
        final Object[] inbound = new Object[pipeline.inboundRingSize()];
        final Object[] outbound = new Object[pipeline.outboundRingSize()];
        for (int i = 0; i < inbound.length; i++)
        {
            inbound[i] = new InboundEvent();
        }
        for (int i = 0; i < outbound.length; i++)
        {
            outbound[i] = new OutboundEvent();
        }
        final long after = usedAfterGc();
        if (inbound[inbound.length - 1] == null || outbound[outbound.length - 1] == null)
        {
            throw new IllegalStateException("rings not held");
        }
        return after - before;
    }

    /** Sets up {@code calls} calls and leaves them in {@code state}. */
    private void hold(final int calls, final String state)
    {
        for (int i = 0; i < calls; i++)
        {
            final SipPhone alice = new SipPhone("alice" + i, CALLER); // its own branches
            final SipPhone bob = new SipPhone("bob" + i, CALLEE);
            receive(CALLER, alice.invite("bob" + i, "footprint-" + i + "@alice")
                .replace("Max-Forwards: 70\r\n", "Max-Forwards: 70\r\n" + PHONE_HEADERS)
                .replace(SipPhone.SDP, PHONE_SDP)
                .replaceFirst("Content-Length: [0-9]+", "Content-Length: " + PHONE_SDP.length()));
            final Sent invite = only("INVITE", CALLEE);
            bob.accept(invite);
            receive(CALLEE, bob.answer(invite, 180, "Ringing", null));
            if (!state.equals("ringing"))
            {
                receive(CALLEE, bob.answer(invite, 200, "OK", PHONE_SDP));
                alice.learn(only("200", CALLER));
                receive(CALLER, alice.ack());
            }
            if (state.equals("transferring"))
            {
                // Bob transfers Alice to Carol, who rings: three legs, the REFER's subscription, the target INVITE.
                receive(CALLEE, bob.refer("sip:carol@example.com", null));
                final Sent notify = only("NOTIFY", CALLEE);
                final Sent toCarol = only("INVITE", EngineHarness.TARGET);
                receive(CALLEE, bob.answer(notify, 200, "OK", null));
                final SipPhone carol = new SipPhone("carol", EngineHarness.TARGET).accept(toCarol);
                receive(EngineHarness.TARGET, carol.answer(toCarol, 180, "Ringing", null));
                final Sent ringing = only("NOTIFY", CALLEE); // sipfrag 180
                receive(CALLEE, bob.answer(ringing, 200, "OK", null));
            }
        }
        if (!state.equals("ringing") && !state.equals("answered"))
        {
            // The transactions of the set-up run out (Timers K and J; a transfer target rings on, its ring timer
            // and the transferor's BYE timer are longer).
            tick(TimeUnit.SECONDS.toMillis(33));
        }
    }

    /** The one message of the last input's that starts with or has {@code what} as method or status, sent to {@code to}. */
    private Sent only(final String what, final InetSocketAddress to)
    {
        for (final Sent s : sent)
        {
            if (s.destination.equals(to) && (s.isRequest(what) || !s.isRequest(s.firstLine().split(" ")[0]) &&
                String.valueOf(s.status()).equals(what)))
            {
                return s;
            }
        }
        throw new IllegalStateException("no " + what + " to " + to + " among " + sent);
    }

    private void receive(final InetSocketAddress from, final String text)
    {
        sent.clear();
        final byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        final boolean parsed = message.parse(new UnsafeBuffer(bytes), 0, bytes.length);
        engine.onMessage(message, parsed, Transport.UDP, from, 0, nowNs);
        nowNs += TimeUnit.MICROSECONDS.toNanos(10);
    }

    /** Moves engine time on by {@code millis}, a tick every 10 ms as the node's ticker. */
    private void tick(final long millis)
    {
        for (long t = 0; t < millis; t += 10)
        {
            nowNs += TimeUnit.MILLISECONDS.toNanos(10);
            sent.clear();
            engine.onTick(nowNs);
        }
    }

    private static long usedAfterGc()
    {
        for (int i = 0; i < 4; i++)
        {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
