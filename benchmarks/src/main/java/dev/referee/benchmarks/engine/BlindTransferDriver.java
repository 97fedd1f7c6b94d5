package dev.referee.benchmarks.engine;

import dev.referee.config.ListenAddress;
import dev.referee.config.Route;
import dev.referee.engine.Engine;
import dev.referee.engine.EngineConfig;
import dev.referee.engine.EngineCounters;
import dev.referee.engine.IdKey;
import dev.referee.engine.events.EngineEvents;
import dev.referee.pipeline.SipSender;
import dev.referee.sip.AsciiView;
import dev.referee.sip.HeaderName;
import dev.referee.sip.SipMessage;
import dev.referee.transport.Transport;
import org.agrona.DirectBuffer;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static dev.referee.benchmarks.engine.MessageBuilder.ascii;

/**
 * Drives complete blind transfers (RFC 5589 §6.1, the transferor is the callee) through an {@link Engine} on the
 * calling thread with a fake clock, playing the three phones:
 * <pre>
 * alice INVITE (SDP) -> Referee -> bob: 180, 200 (SDP) -> alice ACK
 * bob REFER (Refer-To: carol) -> 202, NOTIFY 100 -> bob 200
 * Referee INVITE (no SDP) -> carol: 180 (NOTIFY 180 -> bob 200), 200 with an SDP offer
 * Referee re-INVITE (carol's offer) -> alice: 200 with the answer; Referee ACKs alice and carol (with the answer)
 * NOTIFY 200 terminated -> bob 200, then bob BYE -> 200
 * carol BYE -> Referee BYE -> alice 200 -> 200 to carol
 * </pre>
 * The phones react to what the engine really sent: {@link #send} copies each message a phone must act on into a
 * FIFO of {@link Capture}s (never re-entering the engine from its own send), and the driver then answers them in
 * order. Responses echo the Vias, From, To, Call-ID and CSeq of the request; in-dialog requests use the Contact and
 * tags of the dialog's INVITE or 200, so transaction and dialog matching is exercised, not bypassed.
 * <p>
 * Without an engine ({@link #baseline}) the driver does the same phone work against the messages an engine sent in
 * one recorded transfer, input by input: that is the harness cost to subtract.
 */
final class BlindTransferDriver implements SipSender
{
    static final InetSocketAddress REFEREE = new InetSocketAddress("127.0.0.1", 5060);
    static final InetSocketAddress ALICE = new InetSocketAddress("127.0.0.1", 5070);
    static final InetSocketAddress BOB = new InetSocketAddress("127.0.0.1", 5062);
    static final InetSocketAddress CAROL = new InetSocketAddress("127.0.0.1", 5064);

    /** Fake time between two inputs; 14 inputs per transfer make 1.4 ms, ~700 transfers per fake second. */
    static final long STEP_NS = TimeUnit.MICROSECONDS.toNanos(100);

    private static final int FIFO_SIZE = 32;
    private static final int MAX_INPUTS = 64;

    private static final byte[] SDP_ALICE = sdp("alice", 4000);
    private static final byte[] SDP_BOB = sdp("bob", 5000);
    private static final byte[] SDP_CAROL = sdp("carol", 6000);
    private static final byte[] SDP_HEADERS = ascii("Content-Type: application/sdp\r\nContent-Length: ");
    private static final byte[] NO_BODY = ascii("Content-Length: 0\r\n\r\n");
    private static final byte[] CRLF_CRLF = ascii("\r\n\r\n");

    private static final byte[] INVITE_LINE = ascii("INVITE sip:bob@127.0.0.1:5060 SIP/2.0\r\n");
    private static final byte[] ALICE_VIA = ascii("Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-a");
    private static final byte[] BOB_VIA = ascii("Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK-b");
    private static final byte[] CAROL_VIA = ascii("Via: SIP/2.0/UDP 127.0.0.1:5064;branch=z9hG4bK-c");
    private static final byte[] VIA_END = ascii(";rport\r\n");
    private static final byte[] MAX_FORWARDS = ascii("Max-Forwards: 70\r\n");
    private static final byte[] ALICE_FROM = ascii("From: \"Alice\" <sip:alice@127.0.0.1:5070>;tag=a");
    private static final byte[] ALICE_TO = ascii("To: <sip:bob@127.0.0.1:5060>\r\n");
    private static final byte[] CALL_ID = ascii("Call-ID: ");
    private static final byte[] CALL_ID_SUFFIX = ascii("-xfer@127.0.0.1\r\n");
    private static final byte[] CSEQ_INVITE = ascii("CSeq: 1 INVITE\r\n");
    private static final byte[] CSEQ_ACK = ascii("CSeq: 1 ACK\r\n");
    private static final byte[] CSEQ_REFER = ascii("CSeq: 1 REFER\r\n");
    private static final byte[] CSEQ_BYE_2 = ascii("CSeq: 2 BYE\r\n");
    private static final byte[] CSEQ_BYE_1 = ascii("CSeq: 1 BYE\r\n");
    private static final byte[] ALICE_CONTACT = ascii("Contact: <sip:alice@127.0.0.1:5070>\r\n");
    private static final byte[] BOB_CONTACT = ascii("Contact: <sip:bob@127.0.0.1:5062>\r\n");
    private static final byte[] CAROL_CONTACT = ascii("Contact: <sip:carol@127.0.0.1:5064>\r\n");
    private static final byte[] ALICE_UA = ascii("User-Agent: PolycomVVX-VVX_450-UA/6.4.3.5018\r\n");
    private static final byte[] BOB_UA = ascii("User-Agent: Yealink SIP-T46U 108.86.0.40\r\n");
    private static final byte[] CAROL_UA = ascii("User-Agent: Grandstream GXP2170 1.0.11.23\r\n");
    private static final byte[] REFER_TO = ascii("Refer-To: <sip:carol@example.com>\r\n");
    private static final byte[] REFERRED_BY = ascii("Referred-By: <sip:bob@127.0.0.1:5062>\r\n");
    private static final byte[] ACK = ascii("ACK ");
    private static final byte[] BYE = ascii("BYE ");
    private static final byte[] REFER = ascii("REFER ");
    private static final byte[] SIP_VERSION = ascii(" SIP/2.0\r\n");
    private static final byte[] DASH = ascii("-");

    private static final byte[] RINGING_LINE = ascii("SIP/2.0 180 Ringing\r\n");
    private static final byte[] OK_LINE = ascii("SIP/2.0 200 OK\r\n");
    private static final byte[] VIA = ascii("Via: ");
    private static final byte[] FROM = ascii("From: ");
    private static final byte[] TO = ascii("To: ");
    private static final byte[] TAG = ascii(";tag=");
    private static final byte[] CSEQ = ascii("CSeq: ");

    private final Engine engine;
    private final EngineCounters counters = new EngineCounters();
    private final InputObserver inputObserver;
    private final MessageBuilder in = new MessageBuilder();
    private final SipMessage inMessage = new SipMessage();
    private final AsciiView view = new AsciiView();

    /** Messages a phone must act on, in the order the engine sent them. */
    private final Capture[] fifo = new Capture[FIFO_SIZE];
    private final InetSocketAddress[] fifoDestination = new InetSocketAddress[FIFO_SIZE];
    private int fifoHead;
    private int fifoTail;

    /** Dialog state each phone keeps: the INVITE it received (bob, carol), the 200 it received (alice). */
    private final Capture bobInvite = new Capture();
    private final Capture carolInvite = new Capture();
    private final Capture aliceOk = new Capture();

    /** Baseline only: what the recorded engine queued for the phones after each input, and for which phone. */
    private final List<List<Capture>> recorded;
    private final List<List<InetSocketAddress>> recordedDestinations;
    private List<List<Capture>> recording;
    private List<List<InetSocketAddress>> recordingDestinations;
    private int inputIndex;

    private int sent;
    private int inputs;
    private long transferNumber;
    private long nowNs = TimeUnit.SECONDS.toNanos(1000);
    private int expectedSent = -1;
    private int expectedInputs = -1;

    /** Sees every input just before the engine does, and every output as it is sent: the journal hooks. */
    interface InputObserver
    {
        void onInput(DirectBuffer buffer, int length, InetSocketAddress source, long nowNs);

        void onOutput(InetSocketAddress destination, DirectBuffer buffer, int offset, int length, long nowNs);
    }

    private BlindTransferDriver(final boolean withEngine, final EngineEvents events, final InputObserver observer,
        final List<List<Capture>> recorded, final List<List<InetSocketAddress>> recordedDestinations)
    {
        this.inputObserver = observer;
        this.recorded = recorded;
        this.recordedDestinations = recordedDestinations;
        for (int i = 0; i < FIFO_SIZE; i++)
        {
            fifo[i] = new Capture();
        }
        if (withEngine)
        {
            final List<Route> routes = List.of(
                new Route(Pattern.compile("bob"), BOB, Transport.UDP),
                new Route(Pattern.compile("carol"), CAROL, Transport.UDP));
            final EngineConfig config = new EngineConfig(List.of(new ListenAddress(Transport.UDP, REFEREE)), routes,
                TimeUnit.MILLISECONDS.toNanos(500), TimeUnit.SECONDS.toNanos(4), TimeUnit.SECONDS.toNanos(5),
                100_000, "Referee", new IdKey(42, 43));
            engine = new Engine(config, this, counters, events);
        }
        else
        {
            engine = null;
        }
    }

    /** A driver with an engine and no journal; one transfer is run and checked before it is returned. */
    static BlindTransferDriver withEngine()
    {
        return withEngine(EngineEvents.NONE, null);
    }

    /** A driver whose engine reports to {@code events} and whose inputs and outputs go to {@code observer}. */
    static BlindTransferDriver withEngine(final EngineEvents events, final InputObserver observer)
    {
        final BlindTransferDriver driver = new BlindTransferDriver(true, events, observer, null, null);
        driver.transfer();
        driver.expectedSent = driver.sent;
        driver.expectedInputs = driver.inputs;
        driver.transfer();
        return driver;
    }

    /** A driver with no engine that replays, input by input, what {@code source}'s engine sent in one transfer. */
    static BlindTransferDriver baseline(final BlindTransferDriver source)
    {
        source.recording = new ArrayList<>();
        source.recordingDestinations = new ArrayList<>();
        source.transfer();
        final BlindTransferDriver baseline =
            new BlindTransferDriver(false, null, null, source.recording, source.recordingDestinations);
        source.recording = null;
        source.recordingDestinations = null;
        baseline.transfer();
        return baseline;
    }

    Engine engine()
    {
        return engine;
    }

    long transferNumber()
    {
        return transferNumber;
    }

    /** Messages the engine sent in one transfer (after the first, checked for every later one). */
    int sentPerTransfer()
    {
        return expectedSent;
    }

    int inputsPerTransfer()
    {
        return expectedInputs;
    }

    /** Runs one whole blind transfer; returns the number of messages the engine sent. */
    int transfer()
    {
        final long n = ++transferNumber;
        sent = 0;
        inputs = 0;
        inputIndex = 0;

        buildInvite(n);
        deliver(ALICE);
        react(n);

        buildInDialog(bobInvite, REFER, BOB_VIA, CSEQ_REFER, BOB_CONTACT, BOB_UA, n, 1, 'b');
        in.append(REFER_TO).append(REFERRED_BY).append(NO_BODY);
        deliver(BOB);
        react(n);

        if (engine != null)
        {
            if (expectedSent >= 0 && (sent != expectedSent || inputs != expectedInputs))
            {
                throw new IllegalStateException("transfer " + n + ": engine sent " + sent + " messages for " + inputs +
                    " inputs, expected " + expectedSent + " for " + expectedInputs +
                    " (a retransmission or an error response?)");
            }
            if (engine.activeCalls() != 0 || engine.dialogs() != 0)
            {
                throw new IllegalStateException("transfer " + n + " left calls=" + engine.activeCalls() +
                    " dialogs=" + engine.dialogs());
            }
        }
        return sent;
    }

    public boolean send(final int transport, final InetSocketAddress destination, final long connectionId,
        final DirectBuffer buffer, final int offset, final int length)
    {
        sent++;
        if (inputObserver != null)
        {
            inputObserver.onOutput(destination, buffer, offset, length, nowNs);
        }
        if (mustAct(destination, buffer, offset))
        {
            enqueue(destination, buffer, offset, length);
        }
        return true;
    }

    /**
     * True for the messages a phone answers or acts on; the others (100, 180 and ACK to alice, 202 and ACK to bob,
     * ACK to carol) are only counted, as a phone would only absorb them.
     */
    private static boolean mustAct(final InetSocketAddress destination, final DirectBuffer buffer, final int offset)
    {
        final byte first = buffer.getByte(offset);
        if (first == 'S')
        {
            // "SIP/2.0 200": alice's 200 (INVITE), bob's 200 (BYE), carol's 200 (BYE); 1xx and 202 are absorbed.
            return buffer.getByte(offset + 8) == '2' && buffer.getByte(offset + 10) == '0';
        }
        return first != 'A';
    }

    private void enqueue(
        final InetSocketAddress destination, final DirectBuffer buffer, final int offset, final int length)
    {
        if (fifoTail - fifoHead == FIFO_SIZE)
        {
            throw new IllegalStateException("phones' FIFO full");
        }
        final int slot = fifoTail++ & (FIFO_SIZE - 1);
        fifo[slot].copyFrom(buffer, offset, length);
        fifoDestination[slot] = destination;
        if (recording != null)
        {
            final Capture copy = new Capture();
            copy.copyFrom(buffer, offset, length);
            recording.get(recording.size() - 1).add(copy);
            recordingDestinations.get(recordingDestinations.size() - 1).add(destination);
        }
    }

    /** Lets the phones act on every queued message, and on what their answers make the engine send, until none. */
    private void react(final long n)
    {
        while (fifoHead != fifoTail)
        {
            final int slot = fifoHead++ & (FIFO_SIZE - 1);
            final Capture capture = fifo[slot];
            final InetSocketAddress phone = fifoDestination[slot];
            capture.parse();
            final SipMessage message = capture.message;
            // By port: the engine may send to an address it made from a Contact, not to these instances.
            final int port = phone.getPort();
            if (port == ALICE.getPort())
            {
                aliceActs(message, capture, n);
            }
            else if (port == BOB.getPort())
            {
                bobActs(message, capture, n);
            }
            else if (port == CAROL.getPort())
            {
                carolActs(message, capture, n);
            }
            else
            {
                throw new IllegalStateException("message to an unknown phone " + phone);
            }
        }
    }

    private void aliceActs(final SipMessage message, final Capture capture, final long n)
    {
        if (message.isRequest())
        {
            // The re-INVITE that joins alice to carol (answered with SDP), or carol's BYE relayed.
            final boolean invite = capture.buffer.getByte(0) == 'I';
            buildResponse(message, OK_LINE, ALICE_CONTACT, ALICE_UA, invite ? SDP_ALICE : null, n, 'a');
            deliver(ALICE);
        }
        else
        {
            aliceOk.copyFrom(capture);
            aliceOk.parse();
            buildAliceInDialog(ACK, CSEQ_ACK, n);
            deliver(ALICE);
        }
    }

    private void bobActs(final SipMessage message, final Capture capture, final long n)
    {
        if (!message.isRequest())
        {
            // The 200 for bob's BYE: the transferor is gone, carol and alice talk; carol hangs up.
            buildInDialog(carolInvite, BYE, CAROL_VIA, CSEQ_BYE_1, CAROL_CONTACT, CAROL_UA, n, 2, 'c');
            in.append(NO_BODY);
            deliver(CAROL);
        }
        else if (capture.buffer.getByte(0) == 'I')
        {
            bobInvite.copyFrom(capture);
            bobInvite.parse();
            buildResponse(message, RINGING_LINE, BOB_CONTACT, BOB_UA, null, n, 'b');
            deliver(BOB);
            buildResponse(bobInvite.message, OK_LINE, BOB_CONTACT, BOB_UA, SDP_BOB, n, 'b');
            deliver(BOB);
        }
        else
        {
            // NOTIFY: answered at once (Referee sends the next one only then); after the final one, hang up.
            message.header(HeaderName.SUBSCRIPTION_STATE, view);
            final boolean terminated = view.length() > 0 && view.buffer().getByte(view.offset()) == 't';
            buildResponse(message, OK_LINE, null, BOB_UA, null, n, 'b');
            deliver(BOB);
            if (terminated)
            {
                buildInDialog(bobInvite, BYE, BOB_VIA, CSEQ_BYE_2, BOB_CONTACT, BOB_UA, n, 2, 'b');
                in.append(NO_BODY);
                deliver(BOB);
            }
        }
    }

    private void carolActs(final SipMessage message, final Capture capture, final long n)
    {
        if (!message.isRequest())
        {
            return; // the 200 for carol's BYE: the transfer is over
        }
        carolInvite.copyFrom(capture);
        carolInvite.parse();
        buildResponse(message, RINGING_LINE, CAROL_CONTACT, CAROL_UA, null, n, 'c');
        deliver(CAROL);
        buildResponse(carolInvite.message, OK_LINE, CAROL_CONTACT, CAROL_UA, SDP_CAROL, n, 'c');
        deliver(CAROL);
    }

    private void deliver(final InetSocketAddress source)
    {
        nowNs += STEP_NS;
        inputs++;
        if (!inMessage.parse(in.buffer, 0, in.length))
        {
            throw new IllegalStateException("benchmark built a bad message: " + inMessage.errorReason() + "\n" +
                in.buffer.getStringWithoutLengthAscii(0, in.length));
        }
        if (engine != null)
        {
            if (recording != null)
            {
                recording.add(new ArrayList<>());
                recordingDestinations.add(new ArrayList<>());
            }
            if (inputObserver != null)
            {
                inputObserver.onInput(in.buffer, in.length, source, nowNs);
            }
            engine.onMessage(inMessage, true, Transport.UDP, source, 0, nowNs);
        }
        else
        {
            final List<Capture> out = recorded.get(inputIndex);
            final List<InetSocketAddress> to = recordedDestinations.get(inputIndex);
            inputIndex++;
            for (int i = 0; i < out.size(); i++)
            {
                sent++;
                final Capture c = out.get(i);
                enqueue(to.get(i), c.buffer, 0, c.length);
            }
        }
    }

    private void buildInvite(final long n)
    {
        in.reset()
            .append(INVITE_LINE)
            .append(ALICE_VIA).append(n).append(VIA_END)
            .append(MAX_FORWARDS)
            .append(ALICE_FROM).append(n).crlf()
            .append(ALICE_TO)
            .append(CALL_ID).append(n).append(CALL_ID_SUFFIX)
            .append(CSEQ_INVITE)
            .append(ALICE_CONTACT)
            .append(ALICE_UA);
        body(SDP_ALICE);
    }

    /** ACK or BYE in alice's dialog: to the Contact and with the To tag of the 200 Referee sent her. */
    private void buildAliceInDialog(final byte[] method, final byte[] cseq, final long n)
    {
        final SipMessage ok = aliceOk.message;
        in.reset().append(method).append(ok.contact().uri()).append(SIP_VERSION)
            .append(ALICE_VIA).append(n).append(DASH).append(2).append(VIA_END)
            .append(MAX_FORWARDS)
            .append(ALICE_FROM).append(n).crlf();
        header(ok, HeaderName.TO, TO);
        in.append(CALL_ID).append(n).append(CALL_ID_SUFFIX)
            .append(cseq)
            .append(ALICE_UA)
            .append(NO_BODY);
    }

    /**
     * The start of a request in the dialog a callee phone (bob, carol) took from {@code invite}: to its Contact,
     * From its To plus the phone's tag, To its From, same Call-ID. The caller appends the rest and the body.
     */
    private void buildInDialog(final Capture invite, final byte[] method, final byte[] via, final byte[] cseq,
        final byte[] contact, final byte[] userAgent, final long n, final int branchSuffix, final char tagPrefix)
    {
        final SipMessage request = invite.message;
        in.reset().append(method).append(request.contact().uri()).append(SIP_VERSION)
            .append(via).append(n).append(DASH).append(branchSuffix).append(VIA_END)
            .append(MAX_FORWARDS);
        request.header(HeaderName.TO, view);
        in.append(FROM).append(view).append(TAG);
        tag(tagPrefix, n);
        in.crlf();
        header(request, HeaderName.FROM, TO);
        header(request, HeaderName.CALL_ID, CALL_ID);
        in.append(cseq).append(contact).append(userAgent);
    }

    /** A response echoing {@code request}'s Vias, From, To (plus the phone's tag if none), Call-ID and CSeq. */
    private void buildResponse(final SipMessage request, final byte[] statusLine, final byte[] contact,
        final byte[] userAgent, final byte[] sdp, final long n, final char tagPrefix)
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
            in.append(TAG);
            tag(tagPrefix, n);
        }
        in.crlf();
        header(request, HeaderName.CALL_ID, CALL_ID);
        header(request, HeaderName.CSEQ, CSEQ);
        if (contact != null)
        {
            in.append(contact);
        }
        in.append(userAgent);
        if (sdp != null)
        {
            body(sdp);
        }
        else
        {
            in.append(NO_BODY);
        }
    }

    private void tag(final char prefix, final long n)
    {
        in.buffer.putByte(in.length++, (byte)prefix);
        in.append(n);
    }

    private void body(final byte[] sdp)
    {
        in.append(SDP_HEADERS).append(sdp.length).append(CRLF_CRLF).append(sdp);
    }

    private void header(final SipMessage message, final int headerId, final byte[] name)
    {
        if (!message.header(headerId, view))
        {
            throw new IllegalStateException("engine sent no header " + headerId);
        }
        in.append(name).append(view).crlf();
    }

    private static byte[] sdp(final String user, final int port)
    {
        return ascii(
            "v=0\r\n" +
            "o=" + user + " 1700000001 1700000001 IN IP4 127.0.0.1\r\n" +
            "s=-\r\n" +
            "c=IN IP4 127.0.0.1\r\n" +
            "t=0 0\r\n" +
            "m=audio " + port + " RTP/AVP 0 8 101\r\n" +
            "a=rtpmap:0 PCMU/8000\r\n" +
            "a=rtpmap:8 PCMA/8000\r\n" +
            "a=rtpmap:101 telephone-event/8000\r\n" +
            "a=fmtp:101 0-15\r\n" +
            "a=ptime:20\r\n" +
            "a=sendrecv\r\n");
    }
}
