package dev.referee.journal;

import dev.referee.config.ListenAddress;
import dev.referee.engine.Engine;
import dev.referee.engine.config.EngineConfig;
import dev.referee.engine.config.Route;
import dev.referee.engine.counters.EngineCounters;
import dev.referee.engine.events.EngineEvents;
import dev.referee.engine.id.IdKey;
import dev.referee.pipeline.SipSender;
import dev.referee.sip.AsciiView;
import dev.referee.sip.HeaderName;
import dev.referee.sip.SipMessage;
import dev.referee.transport.Transport;

import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Writes a journal the way a node would, without sockets: a real {@link Engine} driven on the calling thread by
 * scripted callers and callees, every input appended before the engine sees it, every output and event after.
 * For tests, the recovery measurement and the benchmarks (shared through the transfer-engine test-jar; the warm-up
 * has its own, smaller script: ops WarmUpTransfers). Each step moves engine time on by 1 ms and a tick
 * input is journaled every 10 ms of engine time, as the pipeline's ticker does (the step can be made shorter, to
 * record traffic as dense as a benchmark's).
 */
public final class SyntheticCalls
{
    public static final InetSocketAddress REFEREE = new InetSocketAddress("127.0.0.1", 5060);
    public static final InetSocketAddress CALLER = new InetSocketAddress("127.0.0.1", 5070);
    public static final InetSocketAddress CALLEE = new InetSocketAddress("127.0.0.1", 5062);
    /** Where transfers to carol... are routed. */
    public static final InetSocketAddress TARGET = new InetSocketAddress("127.0.0.1", 5064);
    static final String SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
        "m=audio 4000 RTP/AVP 0\r\na=sendrecv\r\n";
    public static final long DEFAULT_STEP_NS = TimeUnit.MILLISECONDS.toNanos(1);
    /** The wall-clock time node-start and recovered records say (2027-01-15T08:00:00Z). */
    public static final long WALL_CLOCK_MS = 1_800_000_000_000L;
    private static final long TICK_NS = TimeUnit.MILLISECONDS.toNanos(10);

    /** One call's dialog state as its two phones know it. */
    private static final class Dialogs
    {
        String callerCallId;
        String callerFrom;
        String callerTo;
        String refereeContactForCaller;
        long callerCSeq = 1;
        String calleeCallId;
        String calleeFrom;
        String calleeTo;
        String refereeContactForCallee;
        long calleeCSeq = 100;
        int branches;
        byte[] targetInvite;
        String targetTo;
    }

    private final RecordSink sink;
    private final SipSender output;
    private final EngineEvents events;
    private Engine engine;
    private final EngineCounters counters = new EngineCounters();
    private final List<byte[]> sent = new ArrayList<>();
    private final List<InetSocketAddress> sentTo = new ArrayList<>();
    private final Map<String, Dialogs> calls = new HashMap<>();
    private final SipMessage parsed = new SipMessage();
    private final AsciiView view = new AsciiView();
    private final long stepNs;
    private boolean digests;
    private long nowNs;
    /** Engine time of the latest node-start or recovered record: the snapshots carry the wall clock on from it. */
    private long anchorTimeNs;
    private long nextTickNs;

    /** With the identifier key {@link #key(long) key(n)}. */
    public SyntheticCalls(final RecordSink sink, final long n, final long startNs)
    {
        this(sink, key(n), startNs);
    }

    public SyntheticCalls(final RecordSink sink, final IdKey idKey, final long startNs)
    {
        this(sink, config(idKey), startNs, DEFAULT_STEP_NS);
    }

    /**
     * With the engine built from {@code config} (instead of {@link #config(IdKey)}) and {@code stepNs} of engine time
     * between two messages (1 ms by default).
     */
    public SyntheticCalls(final RecordSink sink, final EngineConfig config, final long startNs, final long stepNs)
    {
        this.sink = sink;
        this.stepNs = stepNs;
        nowNs = startNs;
        nextTickNs = startNs + TICK_NS;
        final net.openhft.chronicle.bytes.Bytes<?> nodeStart = sink.begin();
        final long recordStart = nodeStart.writePosition();
        anchorTimeNs = startNs;
        JournalEncoder.nodeStart(nodeStart, startNs, WALL_CLOCK_MS, config);
        if (config.behaviour() != EngineConfig.BEHAVIOUR)
        {
            // A journal an older build started: its node-start record says that build's version (byte 1).
            nodeStart.writeByte(recordStart + 1, (byte)config.behaviour());
        }
        sink.commit();
        output = (transport, destination, connectionId, buffer, offset, length) ->
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            sent.add(bytes);
            sentTo.add(destination);
            if (digests)
            {
                JournalEncoder.outputDigest(sink.begin(), null, nowNs, transport, destination, connectionId, buffer,
                    offset, length);
            }
            else
            {
                JournalEncoder.outputSip(sink.begin(), nowNs, transport, destination, connectionId, buffer, offset,
                    length);
            }
            sink.commit();
            return true;
        };
        events = new JournalEvents(sink);
        engine = new Engine(config, output, counters, events);
    }

    /** From now on the messages Referee sends are journaled as digests ({@code journal.outputs: digest}). */
    public SyntheticCalls outputsAsDigests()
    {
        digests = true;
        return this;
    }

    /**
     * Referee crashes and comes back: the engine is thrown away and rebuilt from {@code journal} (node-start key and
     * configuration, the latest snapshot if any, every input after it replayed with outputs suppressed), then a recovered record is appended. The phones
     * keep their dialogs, as real phones would; engine time goes on from where it was.
     */
    public void crashAndRecover(final Journal journal)
    {
        try (JournalReader reader = journal.newReader())
        {
            final RecoveryGate gate = new RecoveryGate(output, events);
            final JournalRecord first = reader.next();
            final JournalRecovery.Rebuilt rebuilt = JournalRecovery.rebuild(
                first.type == RecordType.NODE_START ? first : null, journal, gate, new EngineCounters());
            engine = rebuilt.engine();
            gate.goLive();
            anchorTimeNs = nowNs;
            JournalEncoder.recovered(sink.begin(), nowNs, WALL_CLOCK_MS, rebuilt.replayer().inputs(), 0);
            sink.commit();
        }
    }

    /** A reload now: journaled as the input stage journals it, then applied. */
    public void reload(final EngineConfig next)
    {
        nowNs += stepNs;
        JournalEncoder.config(sink.begin(), nowNs, 0, RecordType.CONFIG_RELOAD, next);
        sink.commit();
        engine.onReconfigure(next, nowNs);
    }

    /** Referee writes a snapshot of its engine now (as its input stage does every journal.snapshot-interval). */
    public void snapshot()
    {
        final JournalSnapshotter snapshotter = new JournalSnapshotter(engine, sink, 0);
        snapshotter.wallClockAnchor(anchorTimeNs, WALL_CLOCK_MS);
        snapshotter.write();
    }

    /** Engine time now. */
    public long nowNs()
    {
        return nowNs;
    }

    /**
     * An identifier key made from {@code n}, for journals whose identifiers need not be secret (tests,
     * measurements); a node draws its key from a secure random source.
     */
    public static IdKey key(final long n)
    {
        return new IdKey(n, ~n);
    }

    public static EngineConfig config(final long n)
    {
        return config(key(n));
    }

    public static EngineConfig config(final IdKey idKey)
    {
        return config(idKey, TimeUnit.MILLISECONDS.toNanos(500));
    }

    /** {@code config} with the wire behaviour of node-start version {@code behaviour}: a journal an older build made. */
    public static EngineConfig withBehaviour(final EngineConfig config, final int behaviour)
    {
        return new EngineConfig(config.listen(), config.routes(), config.t1Ns(), config.t2Ns(), config.t4Ns(),
            config.maxCalls(), config.userAgent(), config.seed(), config.idKey(), config.transfer(), config.redirect(),
            config.trunks(), config.webhook(), config.maxTransactions(), behaviour, config.sessionExpiresS(),
            config.minSeS(), config.media());
    }

    /** The routes above with T1 = {@code t1Ns}, T2 = 8*T1 and T4 = 10*T1 (500 ms, 4 s and 5 s by default). */
    public static EngineConfig config(final IdKey idKey, final long t1Ns)
    {
        return new EngineConfig(List.of(new ListenAddress(Transport.UDP, REFEREE)),
            List.of(new Route(Pattern.compile("bob.*"), CALLEE, Transport.UDP),
                new Route(Pattern.compile("carol.*"), TARGET, Transport.UDP)),
            t1Ns, 8 * t1Ns, 10 * t1Ns, 1_000_000, "Referee", idKey);
    }

    public Engine engine()
    {
        return engine;
    }

    /** The counters of the engine built at the start (a recovered engine has its own). */
    public EngineCounters counters()
    {
        return counters;
    }

    /** Caller INVITE, callee 180 and 200, caller ACK: the call is established. Returns the caller's Call-ID. */
    public String establish(final int n)
    {
        final Dialogs d = new Dialogs();
        d.callerCallId = "call-" + n + "@synthetic";
        d.callerFrom = "\"alice" + n + "\" <sip:alice" + n + "@127.0.0.1:5070>;tag=a" + n;
        d.callerTo = "<sip:bob" + n + "@127.0.0.1:5060>";
        calls.put(d.callerCallId, d);
        final String invite = "INVITE sip:bob" + n + "@127.0.0.1:5060 SIP/2.0\r\n" +
            via(CALLER, d) + "Max-Forwards: 70\r\nFrom: " + d.callerFrom + "\r\nTo: " + d.callerTo + "\r\n" +
            "Call-ID: " + d.callerCallId + "\r\nCSeq: 1 INVITE\r\nContact: <sip:alice" + n + "@127.0.0.1:5070>\r\n" +
            body(SDP);
        final byte[] calleeInvite = receive(CALLER, invite, CALLEE, "INVITE");
        parse(calleeInvite);
        d.calleeCallId = header(HeaderName.CALL_ID);
        d.calleeFrom = header(HeaderName.FROM);
        d.calleeTo = header(HeaderName.TO) + ";tag=b" + n;
        d.refereeContactForCallee = uri(header(HeaderName.CONTACT));
        calls.put(d.calleeCallId, d);
        receive(CALLEE, answer(calleeInvite, 180, "Ringing", d.calleeTo, null), CALLER, null);
        final byte[] ok = receive(CALLEE, answer(calleeInvite, 200, "OK", d.calleeTo, SDP), CALLER, "200");
        parse(ok);
        d.callerTo = header(HeaderName.TO);
        d.refereeContactForCaller = uri(header(HeaderName.CONTACT));
        receive(CALLER, "ACK " + d.refereeContactForCaller + " SIP/2.0\r\n" + via(CALLER, d) +
            "Max-Forwards: 70\r\nFrom: " + d.callerFrom + "\r\nTo: " + d.callerTo + "\r\nCall-ID: " +
            d.callerCallId + "\r\nCSeq: 1 ACK\r\n" + body(null), null, null);
        return d.callerCallId;
    }

    /** The caller hangs up; the callee answers the relayed BYE. */
    public void callerBye(final String callerCallId)
    {
        final Dialogs d = calls.get(callerCallId);
        final byte[] bye = receive(CALLER, "BYE " + d.refereeContactForCaller + " SIP/2.0\r\n" + via(CALLER, d) +
            "Max-Forwards: 70\r\nFrom: " + d.callerFrom + "\r\nTo: " + d.callerTo + "\r\nCall-ID: " + d.callerCallId +
            "\r\nCSeq: " + (++d.callerCSeq) + " BYE\r\n" + body(null), CALLEE, "BYE");
        receive(CALLEE, answer(bye, 200, "OK", null, null), null, null);
    }

    /** The callee hangs up; the caller answers the relayed BYE. */
    public void calleeBye(final String callerCallId)
    {
        final Dialogs d = calls.get(callerCallId);
        final byte[] bye = receive(CALLEE, "BYE " + d.refereeContactForCallee + " SIP/2.0\r\n" + via(CALLEE, d) +
            "Max-Forwards: 70\r\nFrom: " + d.calleeTo + "\r\nTo: " + d.calleeFrom + "\r\nCall-ID: " + d.calleeCallId +
            "\r\nCSeq: " + (++d.calleeCSeq) + " BYE\r\n" + body(null), CALLER, "BYE");
        receive(CALLER, answer(bye, 200, "OK", null, null), null, null);
    }

    /**
     * The callee transfers the caller to carol{@code n} (blind REFER). The target rings, then answers
     * {@code targetStatus}: 200 joins caller and target, after which the transferor hangs up and later the target
     * does; anything else fails the transfer and the caller hangs up the original call. Every NOTIFY is answered.
     */
    public void blindTransfer(final String callerCallId, final int n, final int targetStatus)
    {
        startBlindTransfer(callerCallId, n);
        finishBlindTransfer(callerCallId, n, targetStatus);
    }

    /** The callee sends REFER to carol{@code n}; the target gets Referee's INVITE and rings. */
    public void startBlindTransfer(final String callerCallId, final int n)
    {
        final Dialogs d = calls.get(callerCallId);
        receive(CALLEE, "REFER " + d.refereeContactForCallee + " SIP/2.0\r\n" + via(CALLEE, d) +
            "Max-Forwards: 70\r\nFrom: " + d.calleeTo + "\r\nTo: " + d.calleeFrom + "\r\nCall-ID: " +
            d.calleeCallId + "\r\nCSeq: " + (++d.calleeCSeq) + " REFER\r\nContact: <sip:bob@127.0.0.1:5062>\r\n" +
            "Refer-To: <sip:carol" + n + "@example.com>\r\n" + body(null), null, null);
        final byte[] targetInvite = sentTo(TARGET, "INVITE");
        answerNotifies();
        parse(targetInvite);
        final String targetTo = header(HeaderName.TO) + ";tag=t" + n;
        receive(TARGET, answer(targetInvite, 180, "Ringing", targetTo, null), null, null);
        answerNotifies();
        d.targetInvite = targetInvite;
        d.targetTo = targetTo;
    }

    /** The ringing target answers {@code targetStatus}; see {@link #blindTransfer}. */
    public void finishBlindTransfer(final String callerCallId, final int n, final int targetStatus)
    {
        final Dialogs d = calls.get(callerCallId);
        final byte[] targetInvite = d.targetInvite;
        final String targetTo = d.targetTo;
        parse(targetInvite);
        final String refereeForTarget = header(HeaderName.FROM);
        final String refereeContactForTarget = uri(header(HeaderName.CONTACT));
        final String targetCallId = header(HeaderName.CALL_ID);
        if (targetStatus != 200)
        {
            receive(TARGET, answer(targetInvite, targetStatus, "Busy Here", targetTo, null), null, null);
            answerNotifies();
            callerBye(callerCallId);
            return;
        }
        final byte[] reinvite = receive(TARGET, answer(targetInvite, 200, "OK", targetTo, SDP), CALLER, "INVITE");
        answerNotifies();
        receive(CALLER, answer(reinvite, 200, "OK", null, SDP), null, null);
        answerNotifies();
        receive(CALLEE, "BYE " + d.refereeContactForCallee + " SIP/2.0\r\n" + via(CALLEE, d) +
            "Max-Forwards: 70\r\nFrom: " + d.calleeTo + "\r\nTo: " + d.calleeFrom + "\r\nCall-ID: " +
            d.calleeCallId + "\r\nCSeq: " + (++d.calleeCSeq) + " BYE\r\n" + body(null), null, null);
        answerNotifies();
        final byte[] bye = receive(TARGET, "BYE " + refereeContactForTarget + " SIP/2.0\r\n" + via(TARGET, d) +
            "Max-Forwards: 70\r\nFrom: " + targetTo + "\r\nTo: " + refereeForTarget + "\r\nCall-ID: " +
            targetCallId + "\r\nCSeq: 200 BYE\r\n" + body(null), CALLER, "BYE");
        receive(CALLER, answer(bye, 200, "OK", null, null), null, null);
    }

    /** The transferor answers 200 to each NOTIFY Referee sent it in the last step. */
    private void answerNotifies()
    {
        final List<byte[]> notifies = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++)
        {
            if (sentTo.get(i).equals(CALLEE) && firstLine(sent.get(i)).startsWith("NOTIFY "))
            {
                notifies.add(sent.get(i));
            }
        }
        for (final byte[] notify : notifies)
        {
            receive(CALLEE, answer(notify, 200, "OK", null, null), null, null);
        }
    }

    /** The first message of the last step sent to {@code to} whose first line contains {@code expect}. */
    private byte[] sentTo(final InetSocketAddress to, final String expect)
    {
        for (int i = 0; i < sent.size(); i++)
        {
            if (sentTo.get(i).equals(to) && firstLine(sent.get(i)).contains(expect))
            {
                return sent.get(i);
            }
        }
        throw new IllegalStateException("engine did not send " + expect + " to " + to);
    }

    private static String firstLine(final byte[] message)
    {
        final String start = new String(message, 0, Math.min(80, message.length), StandardCharsets.US_ASCII);
        final int end = start.indexOf('\r');
        return end < 0 ? start : start.substring(0, end);
    }

    /** A call the callee rejects with {@code status}; the caller acknowledges it. */
    public String rejected(final int n, final int status)
    {
        final Dialogs d = new Dialogs();
        d.callerCallId = "rejected-" + n + "@synthetic";
        d.callerFrom = "\"carol" + n + "\" <sip:carol" + n + "@127.0.0.1:5070>;tag=c" + n;
        final String inviteBranch = "z9hG4bK-r" + n;
        final String invite = "INVITE sip:bob" + n + "@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP " +
            "127.0.0.1:5070;branch=" + inviteBranch + ";rport\r\nMax-Forwards: 70\r\nFrom: " + d.callerFrom +
            "\r\nTo: <sip:bob" + n + "@127.0.0.1:5060>\r\nCall-ID: " + d.callerCallId + "\r\nCSeq: 1 INVITE\r\n" +
            "Contact: <sip:carol" + n + "@127.0.0.1:5070>\r\n" + body(SDP);
        final byte[] calleeInvite = receive(CALLER, invite, CALLEE, "INVITE");
        parse(calleeInvite);
        final String calleeTo = header(HeaderName.TO) + ";tag=x" + n;
        final byte[] busy = receive(CALLEE, answer(calleeInvite, status, "Busy Here", calleeTo, null), CALLER,
            String.valueOf(status));
        parse(busy);
        receive(CALLER, "ACK sip:bob" + n + "@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=" +
            inviteBranch + ";rport\r\nMax-Forwards: 70\r\nFrom: " + d.callerFrom + "\r\nTo: " +
            header(HeaderName.TO) + "\r\nCall-ID: " + d.callerCallId + "\r\nCSeq: 1 ACK\r\n" + body(null), null, null);
        return d.callerCallId;
    }

    /** Any message from {@code from}, journaled and handled; returns what the engine sent for it, as text. */
    public List<String> send(final InetSocketAddress from, final String text)
    {
        receive(from, text, null, null);
        final List<String> out = new ArrayList<>();
        for (final byte[] message : sent)
        {
            out.add(new String(message, StandardCharsets.US_ASCII));
        }
        return out;
    }

    /** Lets engine time pass (ticks every 10 ms), e.g. for transactions to end. */
    public void advanceMs(final long millis)
    {
        final long endNs = nowNs + TimeUnit.MILLISECONDS.toNanos(millis);
        while (nextTickNs <= endNs)
        {
            nowNs = nextTickNs;
            tick();
        }
        nowNs = endNs;
    }

    private void tick()
    {
        JournalEncoder.inputTick(sink.begin(), nowNs);
        sink.commit();
        engine.onTick(nowNs);
        nextTickNs += TICK_NS;
    }

    /**
     * Journals and delivers one message one step later; returns the first message the engine then sent to
     * {@code expectTo} whose first line contains {@code expect} (null when not asked for; fails when missing).
     */
    private byte[] receive(final InetSocketAddress from, final String text, final InetSocketAddress expectTo,
        final String expect)
    {
        advanceMs(0);
        nowNs += stepNs;
        while (nextTickNs <= nowNs)
        {
            final long messageNs = nowNs;
            nowNs = nextTickNs;
            tick();
            nowNs = messageNs;
        }
        sent.clear();
        sentTo.clear();
        final byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        JournalEncoder.inputSip(sink.begin(), nowNs, Transport.UDP, from, REFEREE, 0, buffer, 0, bytes.length);
        sink.commit();
        final SipMessage message = new SipMessage();
        final boolean ok = message.parse(buffer, 0, bytes.length);
        engine.onMessage(message, ok, Transport.UDP, from, 0, nowNs);
        if (expect == null)
        {
            return null;
        }
        try
        {
            return sentTo(expectTo, expect);
        }
        catch (final IllegalStateException ex)
        {
            throw new IllegalStateException(ex.getMessage() + " after:\n" + text, ex);
        }
    }

    private String answer(final byte[] request, final int status, final String reason, final String to,
        final String sdp)
    {
        parse(request);
        final StringBuilder sb = new StringBuilder("SIP/2.0 ").append(status).append(' ').append(reason)
            .append("\r\n");
        for (int i = parsed.findHeader(HeaderName.VIA, 0); i >= 0; i = parsed.findHeader(HeaderName.VIA, i + 1))
        {
            sb.append("Via: ").append(parsed.headerValue(i, view)).append("\r\n");
        }
        sb.append("From: ").append(header(HeaderName.FROM)).append("\r\n")
            .append("To: ").append(to != null ? to : header(HeaderName.TO)).append("\r\n")
            .append("Call-ID: ").append(header(HeaderName.CALL_ID)).append("\r\n")
            .append("CSeq: ").append(header(HeaderName.CSEQ)).append("\r\n");
        if (status >= 200 && status < 300 && sdp != null)
        {
            sb.append("Contact: <sip:bob@127.0.0.1:5062>\r\n");
        }
        else if (status > 100 && status < 200)
        {
            sb.append("Contact: <sip:bob@127.0.0.1:5062>\r\n");
        }
        return sb.append(body(sdp)).toString();
    }

    private void parse(final byte[] bytes)
    {
        if (!parsed.parse(new UnsafeBuffer(bytes), 0, bytes.length))
        {
            throw new IllegalStateException("engine output does not parse: " + parsed.errorReason());
        }
    }

    private String header(final int id)
    {
        return parsed.header(id, view) ? view.toString() : null;
    }

    private static String uri(final String nameAddr)
    {
        return nameAddr.substring(nameAddr.indexOf('<') + 1, nameAddr.indexOf('>'));
    }

    private static String via(final InetSocketAddress from, final Dialogs d)
    {
        return "Via: SIP/2.0/UDP 127.0.0.1:" + from.getPort() + ";branch=z9hG4bK-" + d.callerCallId.hashCode() +
            "-" + (++d.branches) + ";rport\r\n";
    }

    private static String body(final String sdp)
    {
        return sdp == null ? "Content-Length: 0\r\n\r\n" :
            "Content-Type: application/sdp\r\nContent-Length: " + sdp.length() + "\r\n\r\n" + sdp;
    }
}
