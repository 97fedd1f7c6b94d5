package dev.referee.benchmarks.engine;

import dev.referee.config.ListenAddress;
import dev.referee.config.Route;
import dev.referee.engine.Engine;
import dev.referee.engine.EngineConfig;
import dev.referee.engine.EngineCounters;
import dev.referee.engine.IdKey;
import dev.referee.pipeline.SipSender;
import dev.referee.sip.AsciiView;
import dev.referee.sip.HeaderName;
import dev.referee.sip.SipMessage;
import dev.referee.transport.Transport;
import org.agrona.DirectBuffer;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static dev.referee.benchmarks.engine.MessageBuilder.ascii;

/**
 * Drives complete basic UDP calls through an {@link Engine} on the calling thread with a fake clock, playing both
 * phones: caller INVITE, callee 180 and 200 (with SDP), caller ACK, caller BYE, callee 200. The callee echoes what
 * the engine really sent it (Via branch, From tag, Call-ID, CSeq), so the engine's transaction and dialog matching
 * is exercised, not bypassed.
 * <p>
 * Without an engine the driver does the same phone work (build, parse, copy the three messages it must answer,
 * parse them) against messages recorded from a real call: that is the baseline to subtract.
 */
final class BasicCallDriver implements SipSender
{
    /** Messages the engine sends per basic call: 100, INVITE, 180, 200, ACK, 200 (BYE), BYE. */
    static final int SENT_PER_CALL = 7;

    static final InetSocketAddress REFEREE = new InetSocketAddress("127.0.0.1", 5060);
    static final InetSocketAddress CALLER = new InetSocketAddress("127.0.0.1", 5070);
    static final InetSocketAddress CALLEE = new InetSocketAddress("127.0.0.1", 5062);

    /** Fake time between two messages: 6 messages per call make 0.6 ms, i.e. ~1,700 calls per fake second. */
    static final long STEP_NS = TimeUnit.MICROSECONDS.toNanos(100);

    private static final int CAPTURE_NONE = 0;
    private static final int CAPTURE_REQUEST = 1;
    private static final int CAPTURE_2XX = 2;

    private static final byte[] SDP = ascii(
        "v=0\r\n" +
        "o=- 1700000001 1700000001 IN IP4 127.0.0.1\r\n" +
        "s=-\r\n" +
        "c=IN IP4 127.0.0.1\r\n" +
        "t=0 0\r\n" +
        "m=audio 6000 RTP/AVP 0 8 101\r\n" +
        "a=rtpmap:0 PCMU/8000\r\n" +
        "a=rtpmap:8 PCMA/8000\r\n" +
        "a=rtpmap:101 telephone-event/8000\r\n" +
        "a=fmtp:101 0-15\r\n" +
        "a=ptime:20\r\n" +
        "a=sendrecv\r\n");
    private static final byte[] SDP_HEADERS =
        ascii("Content-Type: application/sdp\r\nContent-Length: " + SDP.length + "\r\n\r\n");
    private static final byte[] NO_BODY = ascii("Content-Length: 0\r\n\r\n");

    private static final byte[] INVITE_LINE = ascii("INVITE sip:service@127.0.0.1:5060 SIP/2.0\r\n");
    private static final byte[] CALLER_VIA = ascii("Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-");
    private static final byte[] CALLER_VIA_END = ascii(";rport\r\n");
    private static final byte[] MAX_FORWARDS = ascii("Max-Forwards: 70\r\n");
    private static final byte[] CALLER_FROM = ascii("From: \"Alice\" <sip:alice@127.0.0.1:5070>;tag=a");
    private static final byte[] CALLER_TO = ascii("To: <sip:service@127.0.0.1:5060>\r\n");
    private static final byte[] CALL_ID = ascii("Call-ID: ");
    private static final byte[] CALL_ID_SUFFIX = ascii("-bench@127.0.0.1\r\n");
    private static final byte[] CSEQ_INVITE = ascii("CSeq: 1 INVITE\r\n");
    private static final byte[] CSEQ_ACK = ascii("CSeq: 1 ACK\r\n");
    private static final byte[] CSEQ_BYE = ascii("CSeq: 2 BYE\r\n");
    private static final byte[] CALLER_CONTACT = ascii("Contact: <sip:alice@127.0.0.1:5070>\r\n");
    private static final byte[] CALLER_UA = ascii("User-Agent: PolycomVVX-VVX_450-UA/6.4.3.5018\r\n");
    private static final byte[] ACK = ascii("ACK ");
    private static final byte[] BYE = ascii("BYE ");
    private static final byte[] SIP_VERSION = ascii(" SIP/2.0\r\n");

    private static final byte[] RINGING_LINE = ascii("SIP/2.0 180 Ringing\r\n");
    private static final byte[] OK_LINE = ascii("SIP/2.0 200 OK\r\n");
    private static final byte[] VIA = ascii("Via: ");
    private static final byte[] FROM = ascii("From: ");
    private static final byte[] TO = ascii("To: ");
    private static final byte[] CALLEE_TAG = ascii(";tag=b");
    private static final byte[] CSEQ = ascii("CSeq: ");
    private static final byte[] CALLEE_CONTACT = ascii("Contact: <sip:bob@127.0.0.1:5062>\r\n");
    private static final byte[] CALLEE_UA = ascii("User-Agent: Yealink SIP-T46U 108.86.0.40\r\n");
    private static final byte[] DASH = ascii("-");

    private final Engine engine;
    private final EngineCounters counters = new EngineCounters();
    private final MessageBuilder in = new MessageBuilder();
    private final SipMessage inMessage = new SipMessage();
    private final AsciiView view = new AsciiView();
    private final Capture calleeInvite = new Capture();
    private final Capture callerOk = new Capture();
    private final Capture calleeBye = new Capture();
    private final Capture[] recorded;

    private Capture armed;
    private int armedKind;
    private int sent;
    private long callNumber;
    private long nowNs = TimeUnit.SECONDS.toNanos(1000);

    private BasicCallDriver(final boolean withEngine, final Capture[] recorded)
    {
        this.recorded = recorded;
        if (withEngine)
        {
            final List<Route> routes = List.of(new Route(Pattern.compile("service"), CALLEE, Transport.UDP));
            final EngineConfig config = new EngineConfig(List.of(new ListenAddress(Transport.UDP, REFEREE)), routes,
                TimeUnit.MILLISECONDS.toNanos(500), TimeUnit.SECONDS.toNanos(4), TimeUnit.SECONDS.toNanos(5),
                100_000, "Referee", new IdKey(42, 43));
            engine = new Engine(config, this, counters);
        }
        else
        {
            engine = null;
        }
    }

    /** A driver with an engine; one call is run and checked before it is returned. */
    static BasicCallDriver withEngine()
    {
        final BasicCallDriver driver = new BasicCallDriver(true, null);
        driver.call();
        if (driver.engine.activeCalls() != 0 || driver.engine.dialogs() != 0)
        {
            throw new IllegalStateException("a completed call left calls=" + driver.engine.activeCalls() +
                " dialogs=" + driver.engine.dialogs());
        }
        return driver;
    }

    /** A driver with no engine that replays the messages {@code source}'s engine sent in its last call. */
    static BasicCallDriver baseline(final BasicCallDriver source)
    {
        final Capture[] recorded = { new Capture(), new Capture(), new Capture() };
        recorded[0].copyFrom(source.calleeInvite);
        recorded[1].copyFrom(source.callerOk);
        recorded[2].copyFrom(source.calleeBye);
        return new BasicCallDriver(false, recorded);
    }

    Engine engine()
    {
        return engine;
    }

    long callNumber()
    {
        return callNumber;
    }

    /** Runs one whole call; returns the number of messages the engine sent (checked). */
    int call()
    {
        final long n = ++callNumber;
        final int sentBefore = sent;

        buildInvite(n);
        deliver(CALLER, CAPTURE_REQUEST, calleeInvite, 0);

        buildCalleeResponse(calleeInvite.message, RINGING_LINE, false, n);
        deliver(CALLEE, CAPTURE_NONE, null, 0);

        buildCalleeResponse(calleeInvite.message, OK_LINE, true, n);
        deliver(CALLEE, CAPTURE_2XX, callerOk, 1);

        buildCallerInDialog(ACK, CSEQ_ACK, n, 2);
        deliver(CALLER, CAPTURE_NONE, null, 0);

        buildCallerInDialog(BYE, CSEQ_BYE, n, 3);
        deliver(CALLER, CAPTURE_REQUEST, calleeBye, 2);

        buildCalleeResponse(calleeBye.message, OK_LINE, false, n);
        deliver(CALLEE, CAPTURE_NONE, null, 0);

        final int sentInCall = sent - sentBefore;
        if (engine != null && sentInCall != SENT_PER_CALL)
        {
            throw new IllegalStateException("call " + n + ": engine sent " + sentInCall + " messages, expected " +
                SENT_PER_CALL + " (a retransmission or an error response?)");
        }
        return sentInCall;
    }

    public boolean send(final int transport, final InetSocketAddress destination, final long connectionId,
        final DirectBuffer buffer, final int offset, final int length)
    {
        sent++;
        if (armed != null)
        {
            // "SIP/2.0 2xx": a response has 'S' first and the status class at offset 8.
            final boolean response = buffer.getByte(offset) == 'S';
            if ((armedKind == CAPTURE_REQUEST && !response) ||
                (armedKind == CAPTURE_2XX && response && buffer.getByte(offset + 8) == '2'))
            {
                armed.copyFrom(buffer, offset, length);
                armed = null;
            }
        }
        return true;
    }

    private void deliver(
        final InetSocketAddress source, final int captureKind, final Capture capture, final int recordedIndex)
    {
        nowNs += STEP_NS;
        if (!inMessage.parse(in.buffer, 0, in.length))
        {
            throw new IllegalStateException("benchmark built a bad message: " + inMessage.errorReason() + "\n" +
                in.buffer.getStringWithoutLengthAscii(0, in.length));
        }
        if (capture != null)
        {
            capture.filled = false;
        }
        if (engine != null)
        {
            armed = capture;
            armedKind = captureKind;
            engine.onMessage(inMessage, true, Transport.UDP, source, 0, nowNs);
            armed = null;
        }
        else if (capture != null)
        {
            capture.copyFrom(recorded[recordedIndex]);
        }
        if (capture != null)
        {
            capture.parse();
        }
    }

    private void buildInvite(final long n)
    {
        in.reset()
            .append(INVITE_LINE)
            .append(CALLER_VIA).append(n).append(CALLER_VIA_END)
            .append(MAX_FORWARDS)
            .append(CALLER_FROM).append(n).crlf()
            .append(CALLER_TO)
            .append(CALL_ID).append(n).append(CALL_ID_SUFFIX)
            .append(CSEQ_INVITE)
            .append(CALLER_CONTACT)
            .append(CALLER_UA)
            .append(SDP_HEADERS).append(SDP);
    }

    /** ACK or BYE in the caller's dialog: to the Contact and with the To tag of the 200 Referee sent it. */
    private void buildCallerInDialog(final byte[] method, final byte[] cseq, final long n, final int branchSuffix)
    {
        final SipMessage ok = callerOk.message;
        in.reset().append(method).append(ok.contact().uri()).append(SIP_VERSION)
            .append(CALLER_VIA).append(n).append(DASH).append(branchSuffix).append(CALLER_VIA_END)
            .append(MAX_FORWARDS)
            .append(CALLER_FROM).append(n).crlf();
        header(ok, HeaderName.TO, TO);
        in.append(CALL_ID).append(n).append(CALL_ID_SUFFIX)
            .append(cseq)
            .append(CALLER_UA)
            .append(NO_BODY);
    }


    /** A callee response echoing {@code request}'s Vias, From, To (plus the callee's tag), Call-ID and CSeq. */
    private void buildCalleeResponse(final SipMessage request, final byte[] statusLine, final boolean withSdp,
        final long n)
    {
        in.reset().append(statusLine);
        for (int i = request.findHeader(HeaderName.VIA, 0); i >= 0; i = request.findHeader(HeaderName.VIA, i + 1))
        {
            in.append(VIA).append(request.headerValue(i, view)).crlf();
        }
        header(request, HeaderName.FROM, FROM);
        request.header(HeaderName.TO, view);
        in.append(TO).append(view);
        if (request.to().tag().isEmpty())
        {
            in.append(CALLEE_TAG).append(n);
        }
        in.crlf();
        header(request, HeaderName.CALL_ID, CALL_ID);
        header(request, HeaderName.CSEQ, CSEQ);
        if (withSdp || statusLine == RINGING_LINE)
        {
            in.append(CALLEE_CONTACT);
        }
        in.append(CALLEE_UA);
        if (withSdp)
        {
            in.append(SDP_HEADERS).append(SDP);
        }
        else
        {
            in.append(NO_BODY);
        }
    }

    private void header(final SipMessage message, final int headerId, final byte[] name)
    {
        if (!message.header(headerId, view))
        {
            throw new IllegalStateException("engine sent no header " + headerId);
        }
        in.append(name).append(view).crlf();
    }
}
