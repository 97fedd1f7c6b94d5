package dev.referee.ops.demo;

import dev.referee.sip.AsciiView;
import dev.referee.sip.HeaderName;
import dev.referee.sip.SipMessage;
import dev.referee.sip.SipMethod;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A simulated desk phone on a loopback UDP port, for {@code referee demo}: it places calls through Referee, answers
 * the calls Referee sends it (or refuses them with a set status), and does on its own what a phone does without the
 * user: answers re-INVITEs with its SDP, NOTIFYs and BYEs with 200, ACKs every 2xx to its INVITEs (retransmissions
 * too). The demo's script drives the rest (REFER, BYE) and waits for what it expects with {@link #await}.
 * <p>
 * One receive thread per phone; the script thread sends. Not a SIP stack: enough of RFC 3261 for these flows on a
 * loss-free loopback (no retransmission of its own requests).
 */
final class DemoPhone implements AutoCloseable
{
    private static final long WAIT_MS = 5_000;

    final String user;
    private final DatagramChannel channel;
    final InetSocketAddress address;
    private volatile InetSocketAddress referee;
    private final Thread receiver;
    /** Every message received, in order, for {@link #await}. */
    private final List<Received> received = new ArrayList<>();
    /** Dialogs by Call-ID. */
    private final Map<String, Dialog> dialogs = new ConcurrentHashMap<>();
    /** The dialogs of the calls this phone answered, in the order they came. */
    private final List<Dialog> answered = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile int answer = 200;
    private volatile long refuseAfterMs;
    private int sequence;

    /** One side of a dialog, as this phone keeps it. */
    static final class Dialog
    {
        final String callId;
        final String localTag;
        volatile String remoteTag;
        final String localUri;
        final String remoteUri;
        volatile String remoteTarget;
        int cseq;
        volatile boolean ended;

        Dialog(final String callId, final String localTag, final String remoteTag, final String localUri,
            final String remoteUri, final String remoteTarget, final int cseq)
        {
            this.callId = callId;
            this.localTag = localTag;
            this.remoteTag = remoteTag;
            this.localUri = localUri;
            this.remoteUri = remoteUri;
            this.remoteTarget = remoteTarget;
            this.cseq = cseq;
        }

        /** The Replaces value naming this dialog as its peer sees it (RFC 3891): for an attended transfer. */
        String replacesForPeer()
        {
            return callId + ";to-tag=" + remoteTag + ";from-tag=" + localTag;
        }
    }

    /** A message as received: its text and what the demo matches on. */
    record Received(String text, boolean request, String method, int status, String callId, String cseqMethod,
        String body)
    {
        @Override
        public String toString()
        {
            return text.substring(0, text.indexOf('\r'));
        }
    }

    /** Binds a loopback port (Referee's routes need it before Referee starts). */
    DemoPhone(final String user) throws IOException
    {
        this.user = user;
        channel = DatagramChannel.open();
        channel.bind(new InetSocketAddress("127.0.0.1", 0));
        address = (InetSocketAddress)channel.getLocalAddress();
        receiver = new Thread(this::receive, "demo-phone-" + user);
        receiver.setDaemon(true);
    }

    /** Starts answering, sending everything to {@code referee}, which must be listening by then. */
    DemoPhone start(final InetSocketAddress referee)
    {
        this.referee = referee;
        receiver.start();
        return this;
    }

    /**
     * The final status this phone answers new INVITEs with: 200 (with SDP), or a refusal such as 486 sent
     * {@code afterMs} after ringing (a person pressing "busy").
     */
    DemoPhone answering(final int status, final long afterMs)
    {
        answer = status;
        refuseAfterMs = afterMs;
        return this;
    }

    String uri()
    {
        return "sip:" + user + "@127.0.0.1:" + address.getPort();
    }

    // ---- what the script asks for ------------------------------------------------------------------------------

    /** Calls {@code targetUser} through Referee and waits for the answer; returns the dialog (a 2xx was ACKed). */
    Dialog call(final String targetUser) throws IOException
    {
        final int n = ++sequence;
        final String callId = "demo-" + user + "-" + n + "@127.0.0.1";
        final String to = "<sip:" + targetUser + "@127.0.0.1:" + referee.getPort() + ">";
        final Dialog dialog = new Dialog(callId, user + "-" + n, null, "\"" + user + "\" <" + uri() + ">", to,
            "sip:" + targetUser + "@127.0.0.1:" + referee.getPort(), 1);
        dialogs.put(callId, dialog);
        send(request("INVITE", dialog, dialog.remoteTarget, null, Sdp.of(address.getPort())));
        final Received ok = await(r -> !r.request() && r.callId().equals(callId) && r.cseqMethod().equals("INVITE") &&
            r.status() >= 200, "the answer to " + user + "'s INVITE to " + targetUser);
        if (ok.status() >= 300)
        {
            throw new DemoFailure(user + "'s call to " + targetUser + " was refused: " + ok);
        }
        return dialog;
    }

    /** Sends BYE in {@code dialog} and waits for its 200. */
    void hangUp(final Dialog dialog) throws IOException
    {
        inDialog(dialog, "BYE", null);
        dialog.ended = true;
    }

    /** Sends REFER in {@code dialog} (RFC 3515) and waits for 202. */
    void refer(final Dialog dialog, final String referTo) throws IOException
    {
        inDialog(dialog, "REFER", "Refer-To: <" + referTo + ">\r\nReferred-By: <" + uri() + ">\r\n");
    }

    /** The dialog of the call this phone was sent and answered (the {@code nth} it answered, from 1). */
    Dialog answered(final int nth)
    {
        await(r -> r.request() && r.method().equals("ACK") && answered.size() >= nth, user + " answering call " + nth);
        return answered.get(nth - 1);
    }

    /** Waits for a NOTIFY whose sipfrag starts with {@code statusLine} ("SIP/2.0 200"). */
    void awaitNotify(final String statusLine)
    {
        await(r -> r.request() && r.method().equals("NOTIFY") && r.body().startsWith(statusLine),
            user + " told '" + statusLine + "' by NOTIFY");
    }

    /** Waits until the far end hung up {@code dialog}. */
    void awaitHungUp(final Dialog dialog)
    {
        await(r -> r.request() && r.method().equals("BYE") && r.callId().equals(dialog.callId),
            user + " hung up by the far end of " + dialog.callId);
    }

    /** Waits for a re-INVITE (answered on its own) in {@code dialog}: Referee moved the media. */
    void awaitReInvite(final Dialog dialog)
    {
        await(r -> r.request() && r.method().equals("INVITE") && r.callId().equals(dialog.callId),
            user + " re-INVITEd in " + dialog.callId);
    }

    /** The first message matching {@code match} (already received, or within a few seconds). */
    synchronized Received await(final Predicate<Received> match, final String what)
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (true)
        {
            for (final Received r : received)
            {
                if (match.test(r))
                {
                    return r;
                }
            }
            final long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (leftMs <= 0)
            {
                throw new DemoFailure("timed out waiting for " + what + "; " + user + " received " + received);
            }
            try
            {
                wait(leftMs);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new DemoFailure("interrupted waiting for " + what);
            }
        }
    }

    private void inDialog(final Dialog dialog, final String method, final String headers) throws IOException
    {
        final int cseq = ++dialog.cseq;
        send(request(method, dialog, dialog.remoteTarget, headers, null));
        final Received answer = await(r -> !r.request() && r.callId().equals(dialog.callId) &&
            r.cseqMethod().equals(method) && r.status() >= 200 && r.text().contains("CSeq: " + cseq + " "),
            "the answer to " + user + "'s " + method);
        if (answer.status() >= 300)
        {
            throw new DemoFailure(user + "'s " + method + " in " + dialog.callId + " was answered " + answer);
        }
    }

    // ---- what the phone does on its own -------------------------------------------------------------------------

    private void receive()
    {
        final ByteBuffer buffer = ByteBuffer.allocate(65_536);
        final SipMessage message = new SipMessage();
        final AsciiView view = new AsciiView();
        while (channel.isOpen())
        {
            try
            {
                buffer.clear();
                channel.receive(buffer);
                buffer.flip();
                final byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                if (!message.parse(new UnsafeBuffer(bytes), 0, bytes.length))
                {
                    continue;
                }
                final String text = new String(bytes, StandardCharsets.US_ASCII);
                final String body = text.substring(text.indexOf("\r\n\r\n") + 4);
                final Received r = new Received(text, message.isRequest(),
                    message.isRequest() ? message.methodName().toString() : "", message.statusCode(),
                    message.callId().toString(), message.cseqMethodName().toString(), body);
                if (r.request())
                {
                    onRequest(message, r, view);
                }
                else
                {
                    onResponse(message, r);
                }
                synchronized (this)
                {
                    received.add(r);
                    notifyAll();
                }
            }
            catch (final SocketTimeoutException ex)
            {
                // nothing to read
            }
            catch (final IOException ex)
            {
                return; // closed
            }
        }
    }

    private void onRequest(final SipMessage request, final Received r, final AsciiView view) throws IOException
    {
        switch (request.method())
        {
            case SipMethod.INVITE ->
            {
                if (request.to().tag().length() == 0)
                {
                    answerNewCall(request, r);
                }
                else
                {
                    send(response(r.text(), 200, "OK", null, Sdp.of(address.getPort())));
                }
            }
            case SipMethod.ACK ->
            {
            }
            case SipMethod.BYE ->
            {
                final Dialog dialog = dialogs.get(r.callId());
                if (dialog != null)
                {
                    dialog.ended = true;
                }
                send(response(r.text(), 200, "OK", null, null));
            }
            default -> send(response(r.text(), 200, "OK", null, null)); // NOTIFY, OPTIONS, INFO, UPDATE
        }
    }

    private void answerNewCall(final SipMessage invite, final Received r) throws IOException
    {
        final int n = ++sequence;
        final String localTag = "in-" + user + "-" + n;
        final int status = answer;
        send(response(r.text(), 180, "Ringing", localTag, null));
        if (status >= 300)
        {
            pause(refuseAfterMs);
            send(response(r.text(), status, status == 486 ? "Busy Here" : "Refused", localTag, null));
            return;
        }
        final String contact = invite.contact() != null ? invite.contact().uri().toString() : "";
        final Dialog dialog = new Dialog(r.callId(), localTag, invite.from().tag().toString(),
            "<" + invite.to().uri() + ">", "<" + invite.from().uri() + ">", contact, 0);
        dialogs.put(r.callId(), dialog);
        answered.add(dialog);
        send(response(r.text(), 200, "OK", localTag, Sdp.of(address.getPort())));
    }

    /** Only the busy phone's receive thread waits, before it refuses: nothing else needs it meanwhile. */
    private static void pause(final long millis)
    {
        try
        {
            Thread.sleep(millis);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void onResponse(final SipMessage response, final Received r) throws IOException
    {
        final Dialog dialog = dialogs.get(r.callId());
        if (dialog == null || !r.cseqMethod().equals("INVITE") || r.status() < 200 || r.status() >= 300)
        {
            return;
        }
        // The 2xx to our INVITE (or a retransmission of it): learn the dialog and ACK it (RFC 3261 §13.2.2.4).
        dialog.remoteTag = response.to().tag().toString();
        if (response.contact() != null)
        {
            dialog.remoteTarget = response.contact().uri().toString();
        }
        final String cseqLine = "CSeq: " + response.cseqNumber() + " ACK";
        send(request("ACK", dialog, dialog.remoteTarget, null, null).replaceFirst("CSeq: [0-9]+ ACK", cseqLine));
    }

    // ---- message text -------------------------------------------------------------------------------------------

    private String request(final String method, final Dialog dialog, final String requestUri, final String headers,
        final String sdp)
    {
        final String cseqLine = "CSeq: " + dialog.cseq + " " + method;
        final String to = dialog.remoteTag == null ? dialog.remoteUri : dialog.remoteUri + ";tag=" + dialog.remoteTag;
        final String body = sdp == null ? "" : sdp;
        return method + " " + requestUri + " SIP/2.0\r\n" +
            "Via: SIP/2.0/UDP 127.0.0.1:" + address.getPort() + ";branch=z9hG4bK-" + user + "-" + (++sequence) + "\r\n" +
            "Max-Forwards: 70\r\n" +
            "From: " + dialog.localUri + ";tag=" + dialog.localTag + "\r\n" +
            "To: " + to + "\r\n" +
            "Call-ID: " + dialog.callId + "\r\n" +
            cseqLine + "\r\n" +
            "Contact: <" + uri() + ">\r\n" +
            (headers == null ? "" : headers) +
            "User-Agent: Referee demo phone\r\n" +
            (sdp == null ? "" : "Content-Type: application/sdp\r\n") +
            "Content-Length: " + body.length() + "\r\n\r\n" + body;
    }

    /** A response to the request {@code requestText}: its Via, From, To (with {@code toTag} if it has none), Call-ID, CSeq. */
    private String response(final String requestText, final int status, final String reason, final String toTag,
        final String sdp)
    {
        final StringBuilder text = new StringBuilder("SIP/2.0 ").append(status).append(' ').append(reason).append("\r\n");
        for (final String line : requestText.substring(0, requestText.indexOf("\r\n\r\n")).split("\r\n"))
        {
            final String name = line.contains(":") ? line.substring(0, line.indexOf(':')).trim().toLowerCase() : "";
            if (name.equals("via") || name.equals("from") || name.equals("call-id") || name.equals("cseq"))
            {
                text.append(line).append("\r\n");
            }
            else if (name.equals("to"))
            {
                text.append(toTag != null && !line.contains(";tag=") ? line + ";tag=" + toTag : line).append("\r\n");
            }
        }
        final String body = sdp == null ? "" : sdp;
        text.append("Contact: <").append(uri()).append(">\r\n");
        if (sdp != null)
        {
            text.append("Content-Type: application/sdp\r\n");
        }
        return text.append("Content-Length: ").append(body.length()).append("\r\n\r\n").append(body).toString();
    }

    private void send(final String text) throws IOException
    {
        channel.send(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)), referee);
    }

    @Override
    public void close() throws IOException
    {
        channel.close();
        try
        {
            receiver.join(1_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** G.711 audio on the phone's own port (no media flows in the demo: Referee relays signalling only). */
    static final class Sdp
    {
        private Sdp()
        {
        }

        static String of(final int port)
        {
            return "v=0\r\no=- " + port + " 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
                "m=audio " + (port + 10_000) % 65_000 + " RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n" +
                "a=sendrecv\r\n";
        }
    }
}
