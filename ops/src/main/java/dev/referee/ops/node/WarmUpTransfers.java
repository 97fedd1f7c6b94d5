package dev.referee.ops.node;

import dev.referee.config.ListenAddress;
import dev.referee.engine.Engine;
import dev.referee.engine.config.EngineConfig;
import dev.referee.engine.config.Route;
import dev.referee.engine.counters.EngineCounters;
import dev.referee.engine.id.IdKey;
import dev.referee.journal.JournalEncoder;
import dev.referee.journal.JournalEvents;
import dev.referee.journal.JournalSnapshotter;
import dev.referee.journal.MemorySink;
import dev.referee.pipeline.SipSender;
import dev.referee.sip.AsciiView;
import dev.referee.sip.HeaderName;
import dev.referee.sip.SipMessage;
import dev.referee.transport.Transport;

import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Blind transfers, some failing at the target, through an engine of their own on the calling thread: scripted
 * phones hand it SIP text and answer what it sends, with no sockets and no pipeline; inputs, outputs and domain
 * events are journaled into memory as a node journals them. Why warm-up needs this besides its throwaway node: the
 * compiled code and its profiles are the JVM's, not the engine's; a node warmed with basic calls only had its hot
 * engine methods compiled for a world without REFER, and the first transfers under load threw them back to the
 * interpreter while they were compiled again (a stall that shed calls in JournalReplayInteropTest).
 * <p>
 * One call at a time; engine time moves 1 ms per message, with a tick every 10 ms as the pipeline's ticker does.
 * Not thread-safe.
 */
final class WarmUpTransfers
{
    private static final InetSocketAddress REFEREE = new InetSocketAddress("127.0.0.1", 5060);
    private static final InetSocketAddress CALLER = new InetSocketAddress("127.0.0.1", 5070);
    private static final InetSocketAddress CALLEE = new InetSocketAddress("127.0.0.1", 5062);
    private static final InetSocketAddress TARGET = new InetSocketAddress("127.0.0.1", 5064);
    private static final String SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
        "m=audio 4000 RTP/AVP 0\r\na=sendrecv\r\n";
    private static final long T1_NS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long STEP_NS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long TICK_NS = TimeUnit.MILLISECONDS.toNanos(10);
    /** Longer than any transaction lives (64*T1): engine time let pass between batches so that state drains. */
    private static final long DRAIN_MS = 40_000;
    private static final int BATCH = 200;
    /**
     * Snapshots taken of each batch's state (about 1,000 objects, a millisecond each): enough runs of the snapshot's
     * per-object code for the JIT compiler's top tier, which a handful would not reach.
     */
    private static final int SNAPSHOTS_PER_BATCH = 20;
    /** Every this many transfers, the target answers 486 instead of 200. */
    private static final int FAILED_SHARE = 5;

    /** Calls placed, transfers that joined caller and target, transfers the target refused, calls left at the end. */
    record Result(int calls, int transfersCompleted, int transfersFailed, int callsLeft)
    {
    }

    private final MemorySink journal = new MemorySink();
    private final List<byte[]> sent = new ArrayList<>();
    private final List<InetSocketAddress> sentTo = new ArrayList<>();
    private final SipMessage parsed = new SipMessage();
    private final AsciiView view = new AsciiView();
    private final Engine engine;
    /**
     * Snapshots of this engine with a batch's transactions waiting: the node's first journal snapshot comes a minute
     * into its real load, and its code must be compiled by then (interpreted, it held the engine thread three times
     * as long).
     */
    private final JournalSnapshotter snapshots;
    private long nowNs = TimeUnit.SECONDS.toNanos(1);
    private long nextTickNs = nowNs + TICK_NS;
    private int branches;

    /** {@code idKey}: any key; warm-up identifiers are never seen outside this object. */
    WarmUpTransfers(final IdKey idKey)
    {
        final EngineConfig config = new EngineConfig(List.of(new ListenAddress(Transport.UDP, REFEREE)),
            List.of(new Route(Pattern.compile("bob.*"), CALLEE, Transport.UDP),
                new Route(Pattern.compile("carol.*"), TARGET, Transport.UDP)),
            T1_NS, 8 * T1_NS, 10 * T1_NS, 1_000_000, "Referee", idKey);
        JournalEncoder.nodeStart(journal.begin(), nowNs, 0, config);
        journal.commit();
        final SipSender output = (transport, destination, connectionId, buffer, offset, length) ->
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            sent.add(bytes);
            sentTo.add(destination);
            JournalEncoder.outputSip(journal.begin(), nowNs, transport, destination, connectionId, buffer, offset,
                length);
            journal.commit();
            return true;
        };
        engine = new Engine(config, output, new EngineCounters(), new JournalEvents(journal));
        snapshots = new JournalSnapshotter(engine, journal, 0);
    }

    /**
     * Places {@code calls} calls (or fewer when {@code deadlineNs}, on {@link System#nanoTime()}, passes): every
     * second one is transferred blind by its callee, the others end with the caller's BYE.
     */
    Result run(final int calls, final long deadlineNs)
    {
        int placed = 0;
        int completed = 0;
        int failed = 0;
        for (int n = 0; n < calls && System.nanoTime() < deadlineNs; n++)
        {
            final Dialog dialog = establish(n);
            if (n % 2 == 0)
            {
                final boolean refused = n % (2 * FAILED_SHARE) == 0;
                transfer(dialog, n, refused ? 486 : 200);
                completed += refused ? 0 : 1;
                failed += refused ? 1 : 0;
            }
            else
            {
                callerBye(dialog);
            }
            placed++;
            if (n % BATCH == BATCH - 1)
            {
                for (int i = 0; i < SNAPSHOTS_PER_BATCH; i++)
                {
                    snapshots.write();
                }
                advanceMs(DRAIN_MS); // transactions end, as they would
                journal.records().clear();
            }
        }
        advanceMs(DRAIN_MS);
        journal.records().clear();
        return new Result(placed, completed, failed, engine.activeCalls());
    }

    /** The two dialogs of one call as its phones know them. */
    private static final class Dialog
    {
        String callerCallId;
        String callerFrom;
        String callerTo;
        String refereeForCaller;
        long callerCSeq = 1;
        String calleeCallId;
        String calleeFrom;
        String calleeTo;
        String refereeForCallee;
        long calleeCSeq = 100;
    }

    /** Caller INVITE, callee 180 and 200, caller ACK. */
    private Dialog establish(final int n)
    {
        final Dialog d = new Dialog();
        d.callerCallId = "warm-transfer-" + n + "@warm-up";
        d.callerFrom = "<sip:alice" + n + "@127.0.0.1:5070>;tag=a" + n;
        final byte[] calleeInvite = receive(CALLER, "INVITE sip:bob" + n + "@127.0.0.1:5060 SIP/2.0\r\n" +
            via(CALLER) + "Max-Forwards: 70\r\nFrom: " + d.callerFrom + "\r\nTo: <sip:bob" + n +
            "@127.0.0.1:5060>\r\nCall-ID: " + d.callerCallId + "\r\nCSeq: 1 INVITE\r\nContact: <sip:alice" + n +
            "@127.0.0.1:5070>\r\n" + body(SDP), CALLEE, "INVITE");
        parse(calleeInvite);
        d.calleeCallId = header(HeaderName.CALL_ID);
        d.calleeFrom = header(HeaderName.FROM);
        d.calleeTo = header(HeaderName.TO) + ";tag=b" + n;
        d.refereeForCallee = uri(header(HeaderName.CONTACT));
        receive(CALLEE, answer(calleeInvite, 180, "Ringing", d.calleeTo, null), null, null);
        parse(receive(CALLEE, answer(calleeInvite, 200, "OK", d.calleeTo, SDP), CALLER, "200"));
        d.callerTo = header(HeaderName.TO);
        d.refereeForCaller = uri(header(HeaderName.CONTACT));
        receive(CALLER, inDialog("ACK", d.refereeForCaller, CALLER, d.callerFrom, d.callerTo, d.callerCallId, 1),
            null, null);
        return d;
    }

    private void callerBye(final Dialog d)
    {
        final byte[] bye = receive(CALLER, inDialog("BYE", d.refereeForCaller, CALLER, d.callerFrom, d.callerTo,
            d.callerCallId, ++d.callerCSeq), CALLEE, "BYE");
        receive(CALLEE, answer(bye, 200, "OK", null, null), null, null);
    }

    /**
     * The callee REFERs the caller to carol{@code n}, who rings and answers {@code targetStatus}. On 200 the caller
     * is re-INVITEd to her, the transferor hangs up, then carol does; otherwise the caller hangs up the original
     * call. The transferor answers every NOTIFY.
     */
    private void transfer(final Dialog d, final int n, final int targetStatus)
    {
        final String refer = inDialog("REFER", d.refereeForCallee, CALLEE, d.calleeTo, d.calleeFrom,
            d.calleeCallId, ++d.calleeCSeq);
        final byte[] targetInvite = receive(CALLEE, refer.replace("Content-Length: 0\r\n",
            "Contact: <sip:bob@127.0.0.1:5062>\r\nRefer-To: <sip:carol" + n + "@example.com>\r\nContent-Length: 0\r\n"),
            TARGET, "INVITE");
        answerNotifies();
        parse(targetInvite);
        final String targetTo = header(HeaderName.TO) + ";tag=t" + n;
        final String refereeForTarget = header(HeaderName.FROM);
        final String refereeContactForTarget = uri(header(HeaderName.CONTACT));
        final String targetCallId = header(HeaderName.CALL_ID);
        receive(TARGET, answer(targetInvite, 180, "Ringing", targetTo, null), null, null);
        answerNotifies();
        if (targetStatus != 200)
        {
            receive(TARGET, answer(targetInvite, targetStatus, "Busy Here", targetTo, null), null, null);
            answerNotifies();
            callerBye(d);
            return;
        }
        final byte[] reinvite = receive(TARGET, answer(targetInvite, 200, "OK", targetTo, SDP), CALLER, "INVITE");
        answerNotifies();
        receive(CALLER, answer(reinvite, 200, "OK", null, SDP), null, null);
        answerNotifies();
        receive(CALLEE, inDialog("BYE", d.refereeForCallee, CALLEE, d.calleeTo, d.calleeFrom, d.calleeCallId,
            ++d.calleeCSeq), null, null);
        answerNotifies();
        final byte[] bye = receive(TARGET, inDialog("BYE", refereeContactForTarget, TARGET, targetTo,
            refereeForTarget, targetCallId, 200), CALLER, "BYE");
        receive(CALLER, answer(bye, 200, "OK", null, null), null, null);
    }

    /** The transferor answers 200 to each NOTIFY the engine sent it in the last step. */
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

    /**
     * Journals and hands the engine one message, one step of engine time later; returns the first message it then
     * sent to {@code expectTo} whose first line contains {@code expect} (null when not asked for).
     *
     * @throws IllegalStateException when the engine did not send what the script expects (the flow changed).
     */
    private byte[] receive(final InetSocketAddress from, final String text, final InetSocketAddress expectTo,
        final String expect)
    {
        advanceTo(nowNs + STEP_NS);
        sent.clear();
        sentTo.clear();
        final byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        JournalEncoder.inputSip(journal.begin(), nowNs, Transport.UDP, from, REFEREE, 0, buffer, 0, bytes.length);
        journal.commit();
        final SipMessage message = new SipMessage();
        engine.onMessage(message, message.parse(buffer, 0, bytes.length), Transport.UDP, from, 0, nowNs);
        if (expect == null)
        {
            return null;
        }
        for (int i = 0; i < sent.size(); i++)
        {
            if (sentTo.get(i).equals(expectTo) && firstLine(sent.get(i)).contains(expect))
            {
                return sent.get(i);
            }
        }
        throw new IllegalStateException("warm-up: engine did not send " + expect + " to " + expectTo + " after:\n" +
            text);
    }

    private void advanceMs(final long millis)
    {
        advanceTo(nowNs + TimeUnit.MILLISECONDS.toNanos(millis));
    }

    /** Ticks (journaled first, as the input stage does) for every 10 ms of engine time up to {@code timeNs}. */
    private void advanceTo(final long timeNs)
    {
        while (nextTickNs <= timeNs)
        {
            nowNs = nextTickNs;
            JournalEncoder.inputTick(journal.begin(), nowNs);
            journal.commit();
            engine.onTick(nowNs);
            nextTickNs += TICK_NS;
        }
        nowNs = timeNs;
    }

    private String inDialog(final String method, final String requestUri, final InetSocketAddress from,
        final String fromHeader, final String toHeader, final String callId, final long cseq)
    {
        return method + " " + requestUri + " SIP/2.0\r\n" + via(from) + "Max-Forwards: 70\r\nFrom: " + fromHeader +
            "\r\nTo: " + toHeader + "\r\nCall-ID: " + callId + "\r\nCSeq: " + cseq + " " + method + "\r\n" +
            body(null);
    }

    /** A response to {@code request} with its Vias, From, To (or {@code to}), Call-ID and CSeq. */
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
        if (status > 100 && status < 200 || status >= 200 && status < 300 && sdp != null)
        {
            sb.append("Contact: <sip:bob@127.0.0.1:5062>\r\n");
        }
        return sb.append(body(sdp)).toString();
    }

    private void parse(final byte[] bytes)
    {
        if (!parsed.parse(new UnsafeBuffer(bytes), 0, bytes.length))
        {
            throw new IllegalStateException("warm-up: engine output does not parse: " + parsed.errorReason());
        }
    }

    private String header(final int id)
    {
        return parsed.header(id, view) ? view.toString() : null;
    }

    private String via(final InetSocketAddress from)
    {
        return "Via: SIP/2.0/UDP 127.0.0.1:" + from.getPort() + ";branch=z9hG4bK-warm-" + (++branches) +
            ";rport\r\n";
    }

    private static String uri(final String nameAddr)
    {
        return nameAddr.substring(nameAddr.indexOf('<') + 1, nameAddr.indexOf('>'));
    }

    private static String firstLine(final byte[] message)
    {
        final String start = new String(message, 0, Math.min(80, message.length), StandardCharsets.US_ASCII);
        final int end = start.indexOf('\r');
        return end < 0 ? start : start.substring(0, end);
    }

    private static String body(final String sdp)
    {
        return sdp == null ? "Content-Length: 0\r\n\r\n" :
            "Content-Type: application/sdp\r\nContent-Length: " + sdp.length() + "\r\n\r\n" + sdp;
    }
}
