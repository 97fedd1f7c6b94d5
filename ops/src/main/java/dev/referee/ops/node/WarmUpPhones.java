package dev.referee.ops.node;

import dev.referee.sip.AsciiView;
import dev.referee.sip.HeaderName;
import dev.referee.sip.SipMessage;
import dev.referee.sip.SipMethod;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;

/**
 * A caller and a callee on loopback UDP that place basic calls through a warm-up node: INVITE with SDP, 180, 200,
 * ACK, BYE, 200, as SIPp's basic scenario does. At most {@link #WINDOW} calls are in flight at once, so the node is
 * driven as fast as it goes without queueing. The callee answers statelessly from what it receives; the caller keeps
 * one state per call and re-ACKs a repeated 200 (what a phone does when Referee retransmits). A call that does not
 * end is simply left behind: the warm-up node is thrown away with it.
 * <p>
 * One call in {@link #REPEAT_EVERY} sends its messages twice, as UDP phones do when a message or its answer is late:
 * the caller its INVITE and its BYE, the callee its 200 to the INVITE. A real node meets such repeats from its first
 * seconds, and each has code of its own: a request absorbed while its first copy waits in the ring (an event the
 * engine skips), a request answered again by its transaction or waiting row, a 2xx acknowledged again. Left out of the
 * warm-up, the first repeat under load sent the pipeline's hot loops back to the interpreter (uncommon traps in
 * EngineHandler.onEvent, Admission.verdict, InboundPublisher.offer, Engine.onRequest: -XX:+LogCompilation, 2026-12-07).
 * <p>
 * Not thread-safe: one thread runs {@link #run}.
 */
final class WarmUpPhones implements AutoCloseable
{
    /** Calls in flight at once while driving hard: enough to batch like real load, few enough to queue little. */
    static final int WINDOW = 64;
    /** The user part routed to the callee in the warm-up node's configuration. */
    static final String USER = "warm-up";
    private static final String SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
        "m=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n";
    private static final long POLL_NS = 1_000_000;
    /** One call in this many repeats its messages (see the class comment). */
    static final int REPEAT_EVERY = 16;

    private static final byte IDLE = 0;
    private static final byte INVITING = 1;
    private static final byte HANGING_UP = 2;
    private static final byte ENDED = 3;

    private InetSocketAddress referee;
    private final DatagramChannel caller;
    private final DatagramChannel callee;
    private final InetSocketAddress callerAddress;
    private final InetSocketAddress calleeAddress;
    private final Selector selector;
    private final ByteBuffer receiveBuffer = ByteBuffer.allocateDirect(65_536);
    private final UnsafeBuffer received = new UnsafeBuffer(receiveBuffer);
    private final SipMessage message = new SipMessage();
    private final AsciiView view = new AsciiView();
    private final StringBuilder text = new StringBuilder(1024);
    private byte[] states = new byte[0];
    private int started;
    private int ended;
    private int answered;
    private int inFlight;
    /** INVITEs the callee answered. */
    private int calleeInvites;
    /** Messages sent twice, on purpose. */
    private int repeated;

    WarmUpPhones(final InetAddress loopback) throws IOException
    {
        caller = open(loopback);
        callee = open(loopback);
        callerAddress = (InetSocketAddress)caller.getLocalAddress();
        calleeAddress = (InetSocketAddress)callee.getLocalAddress();
        selector = Selector.open();
        caller.register(selector, SelectionKey.OP_READ, Boolean.TRUE);
        callee.register(selector, SelectionKey.OP_READ, Boolean.FALSE);
    }

    private static DatagramChannel open(final InetAddress address) throws IOException
    {
        final DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET);
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 22);
        channel.bind(new InetSocketAddress(address, 0));
        channel.configureBlocking(false);
        return channel;
    }

    /** Calls that went all the way: answered 200, acknowledged, hung up with the BYE answered 200. */
    int answered()
    {
        return answered;
    }

    /** Messages sent twice on purpose (see the class comment). */
    int repeated()
    {
        return repeated;
    }

    /** Where the warm-up node must route {@link #USER}. */
    InetSocketAddress calleeAddress()
    {
        return calleeAddress;
    }

    /**
     * Places calls to {@code referee}, at most {@code window} at once, until {@code stop} says enough or
     * {@code deadlineNs} ({@link System#nanoTime()}) passes.
     *
     * @return calls ended so far (over every run), answered or not.
     */
    int run(final InetSocketAddress referee, final int window, final long deadlineNs, final Stop stop)
        throws IOException
    {
        this.referee = referee;
        while (System.nanoTime() < deadlineNs && !stop.enough(ended))
        {
            while (inFlight < window)
            {
                invite();
            }
            if (selector.select(POLL_NS / 1_000_000) > 0)
            {
                for (final SelectionKey key : selector.selectedKeys())
                {
                    drain((DatagramChannel)key.channel(), (Boolean)key.attachment());
                }
                selector.selectedKeys().clear();
            }
        }
        return ended;
    }

    /** Decides when the warm-up has done enough; called between batches with the calls completed so far. */
    @FunctionalInterface
    interface Stop
    {
        boolean enough(int callsEnded);
    }

    private void drain(final DatagramChannel channel, final boolean isCaller) throws IOException
    {
        for (int i = 0; i < 256; i++)
        {
            receiveBuffer.clear();
            final InetSocketAddress from = (InetSocketAddress)channel.receive(receiveBuffer);
            if (from == null)
            {
                return;
            }
            if (!message.parse(received, 0, receiveBuffer.position()))
            {
                continue;
            }
            if (isCaller)
            {
                onCallerMessage(from);
            }
            else
            {
                onCalleeMessage(from);
            }
        }
    }

    private void invite() throws IOException
    {
        final int call = started++;
        if (call >= states.length)
        {
            final byte[] grown = new byte[Math.max(1024, states.length * 2)];
            System.arraycopy(states, 0, grown, 0, states.length);
            states = grown;
        }
        states[call] = INVITING;
        inFlight++;
        text.setLength(0);
        text.append("INVITE sip:").append(USER).append('@').append(host(referee)).append(" SIP/2.0\r\n");
        callerHeaders(call, 1, "INVITE", "z9hG4bK-warm-" + call + "-1");
        text.append("To: <sip:").append(USER).append('@').append(host(referee)).append(">\r\n");
        body(SDP);
        send(caller, referee);
        repeatFor(call, caller, referee);
    }

    /** Sends the message in {@code text} again, for one call in {@link #REPEAT_EVERY}. */
    private void repeatFor(final int call, final DatagramChannel channel, final InetSocketAddress to)
        throws IOException
    {
        if (call % REPEAT_EVERY == 0)
        {
            send(channel, to);
            repeated++;
        }
    }

    private void onCallerMessage(final InetSocketAddress from) throws IOException
    {
        if (message.isRequest())
        {
            // Nothing in this flow sends the caller a request but a stray one still gets an answer.
            if (message.method() != SipMethod.ACK)
            {
                answer(200, "OK", null, null);
                send(caller, from);
            }
            return;
        }
        final int call = callNumber();
        if (call < 0 || message.statusCode() < 200)
        {
            return;
        }
        if (message.cseqMethod() == SipMethod.BYE)
        {
            if (states[call] == HANGING_UP && message.statusCode() == 200)
            {
                answered++;
            }
            end(call);
            return;
        }
        if (message.cseqMethod() != SipMethod.INVITE)
        {
            return;
        }
        if (message.statusCode() >= 300)
        {
            end(call); // Referee ACKs nothing for us here; the throwaway node absorbs what is left.
            return;
        }
        final String to = header(HeaderName.TO);
        final String target = contactUri();
        inDialog(call, "ACK", 1, to, target, "z9hG4bK-warm-" + call + "-ack");
        send(caller, from);
        if (states[call] == INVITING)
        {
            states[call] = HANGING_UP;
            inDialog(call, "BYE", 2, to, target, "z9hG4bK-warm-" + call + "-2");
            send(caller, from);
            repeatFor(call, caller, from);
        }
    }

    private void end(final int call)
    {
        if (states[call] != ENDED && states[call] != IDLE)
        {
            states[call] = ENDED;
            inFlight--;
            ended++;
        }
    }

    private void onCalleeMessage(final InetSocketAddress from) throws IOException
    {
        if (!message.isRequest() || message.method() == SipMethod.ACK)
        {
            return;
        }
        if (message.method() == SipMethod.INVITE)
        {
            final String to = header(HeaderName.TO) + ";tag=callee-" + (header(HeaderName.CALL_ID).hashCode() & 0xffff);
            answer(180, "Ringing", to, null);
            send(callee, from);
            answer(200, "OK", to, SDP);
            send(callee, from);
            repeatFor(calleeInvites++, callee, from);
            return;
        }
        answer(200, "OK", null, null);
        send(callee, from);
    }

    /** The call number from the caller's Call-ID ({@code warm-N@...}); -1 for anything else. */
    private int callNumber()
    {
        final String callId = header(HeaderName.CALL_ID);
        if (callId == null || !callId.startsWith("warm-"))
        {
            return -1;
        }
        final int at = callId.indexOf('@');
        try
        {
            final int call = Integer.parseInt(callId, 5, at < 0 ? callId.length() : at, 10);
            return call < started ? call : -1;
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }

    private void callerHeaders(final int call, final int cseq, final String method, final String branch)
    {
        text.append("Via: SIP/2.0/UDP ").append(host(callerAddress)).append(";branch=").append(branch)
            .append(";rport\r\nMax-Forwards: 70\r\nFrom: <sip:caller@").append(host(callerAddress))
            .append(">;tag=caller-").append(call).append("\r\nCall-ID: warm-").append(call).append("@warm-up\r\n")
            .append("CSeq: ").append(cseq).append(' ').append(method).append("\r\nContact: <sip:caller@")
            .append(host(callerAddress)).append(">\r\n");
    }

    private void inDialog(final int call, final String method, final int cseq, final String to, final String target,
        final String branch)
    {
        text.setLength(0);
        text.append(method).append(' ').append(target).append(" SIP/2.0\r\n");
        callerHeaders(call, cseq, method, branch);
        text.append("To: ").append(to).append("\r\n");
        body(null);
    }

    /** A response to the message just parsed, with every Via, From, To (or {@code to}), Call-ID and CSeq. */
    private void answer(final int status, final String reason, final String to, final String sdp)
    {
        text.setLength(0);
        text.append("SIP/2.0 ").append(status).append(' ').append(reason).append("\r\n");
        for (int i = message.findHeader(HeaderName.VIA, 0); i >= 0; i = message.findHeader(HeaderName.VIA, i + 1))
        {
            text.append("Via: ").append(message.headerValue(i, view)).append("\r\n");
        }
        text.append("From: ").append(header(HeaderName.FROM)).append("\r\n")
            .append("To: ").append(to != null ? to : header(HeaderName.TO)).append("\r\n")
            .append("Call-ID: ").append(header(HeaderName.CALL_ID)).append("\r\n")
            .append("CSeq: ").append(header(HeaderName.CSEQ)).append("\r\n");
        if (status > 100 && message.method() == SipMethod.INVITE)
        {
            text.append("Contact: <sip:callee@").append(host(calleeAddress)).append(">\r\n");
        }
        body(sdp);
    }

    private void body(final String sdp)
    {
        if (sdp == null)
        {
            text.append("Content-Length: 0\r\n\r\n");
        }
        else
        {
            text.append("Content-Type: application/sdp\r\nContent-Length: ").append(sdp.length()).append("\r\n\r\n")
                .append(sdp);
        }
    }

    private String header(final int id)
    {
        return message.header(id, view) ? view.toString() : null;
    }

    private String contactUri()
    {
        final String contact = header(HeaderName.CONTACT);
        if (contact == null)
        {
            return "sip:" + host(referee);
        }
        final int open = contact.indexOf('<');
        final int close = contact.indexOf('>');
        return open >= 0 && close > open ? contact.substring(open + 1, close) : contact;
    }

    private void send(final DatagramChannel channel, final InetSocketAddress to) throws IOException
    {
        channel.send(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.US_ASCII)), to);
    }

    private static String host(final InetSocketAddress address)
    {
        return address.getAddress().getHostAddress() + ':' + address.getPort();
    }

    @Override
    public void close() throws IOException
    {
        selector.close();
        caller.close();
        callee.close();
    }
}
