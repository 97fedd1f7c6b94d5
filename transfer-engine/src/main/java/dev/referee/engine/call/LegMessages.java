package dev.referee.engine.call;

import dev.referee.sip.SipStatus;

import dev.referee.sip.SipLimits;

import dev.referee.engine.time.EngineTimers;

import dev.referee.engine.config.EngineConfig;
import dev.referee.engine.media.MediaAnchor;
import dev.referee.engine.config.TrunkDirectory;
import dev.referee.engine.id.IdGenerator;
import dev.referee.engine.message.Outbox;
import dev.referee.engine.transaction.ClientTransaction;
import dev.referee.engine.transaction.ServerTransaction;
import dev.referee.engine.transaction.TransactionLayer;
import dev.referee.sip.AsciiView;
import dev.referee.sip.HeaderName;
import dev.referee.sip.SipMessage;
import dev.referee.sip.SipMessageWriter;
import dev.referee.sip.SipMethod;
import dev.referee.transport.Addresses;
import dev.referee.transport.Transport;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Writes and sends the messages Referee originates on a leg (requests in its dialog, ACK, BYE, CANCEL) and the
 * responses it relays or makes, with Referee's own Via and Contact for the leg's transport and address family.
 * Engine thread only.
 */
public final class LegMessages
{
    private EngineConfig config;
    private final TransactionLayer transactions;
    private final Outbox outbox;
    private final IdGenerator ids;
    private final EngineTimers timers;
    private HeaderCopier headers;
    private TrunkDirectory trunks;
    private final AsciiView view = new AsciiView();
    private final LegStrings strings = new LegStrings();
    /** Via sent-by and Contact per transport and address family: [Transport.index][ipv6 ? 1 : 0]. */
    private final String[][] vias = new String[Transport.COUNT][2];
    private final String[][] contacts = new String[Transport.COUNT][2];
    /** Referee's origin line in the SDP it sends; null for journals from before it (node-start below 3). */
    private final SdpOrigin origins;
    /** The legs' media endpoints: an SDP sent on a leg names the leg's own relay ports; null: SDP passes through. */
    private final MediaAnchor media;
    /** Session timers: the headers of 2xx, and the SDP a re-INVITE refresh offers again (set by the B2BUA). */
    private SessionTimers sessions;

    LegMessages(final EngineConfig config, final TransactionLayer transactions, final Outbox outbox,
        final IdGenerator ids, final EngineTimers timers, final TrunkDirectory trunks, final MediaAnchor media)
    {
        this.media = media;
        this.timers = timers;
        this.trunks = trunks;
        this.headers = config.headerPolicy() ? new HeaderCopier(config.trunks()) : HeaderCopier.beforeHeaderPolicy();
        this.config = config;
        this.transactions = transactions;
        this.outbox = outbox;
        this.ids = ids;
        for (int family = 0; family < 2; family++)
        {
            for (final int transport : new int[] {Transport.UDP, Transport.TCP, Transport.TLS})
            {
                // With no tls: address, nothing goes over TLS (the configuration refuses TLS targets then).
                final String local = Addresses.hostPort(config.localAddress(transport, family == 1));
                vias[Transport.index(transport)][family] = "SIP/2.0/" + Transport.viaName(transport) + " " + local;
                contacts[Transport.index(transport)][family] =
                    "<sip:referee@" + local + Transport.uriParameter(transport) + ">";
            }
        }
        // Reuses the header policy's switch: both came with node-start version 3, and a journal from before it must
        // replay the bodies as they were sent then (the o= of the far party relayed unchanged).
        this.origins = config.headerPolicy() ? new SdpOrigin(ids, originAddresses(config)) : null;
    }

    void sessions(final SessionTimers sessions)
    {
        this.sessions = sessions;
    }

    /** A reload: the new trunks' header policies from now on (addresses and User-Agent cannot be reloaded). */
    void reconfigure(final EngineConfig next, final TrunkDirectory nextTrunks)
    {
        config = next;
        trunks = nextTrunks;
        if (next.headerPolicy())
        {
            headers = new HeaderCopier(next.trunks());
        }
    }

    /** "IN IP4 host" / "IN IP6 host" of Referee's listening address per [Transport.index][ipv6 ? 1 : 0], as in Via. */
    private static String[][] originAddresses(final EngineConfig config)
    {
        final String[][] addresses = new String[Transport.COUNT][2];
        for (int family = 0; family < 2; family++)
        {
            for (final int transport : new int[] {Transport.UDP, Transport.TCP, Transport.TLS})
            {
                addresses[Transport.index(transport)][family] = origin(config.localAddress(transport, family == 1));
            }
        }
        return addresses;
    }

    private static String origin(final InetSocketAddress address)
    {
        final String host = Addresses.host(address);
        final boolean ipv6 = address.getAddress() instanceof java.net.Inet6Address;
        return (ipv6 ? "IN IP6 " : "IN IP4 ") + (host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
    }

    /**
     * Ends the message {@code writer} holds, sent on {@code leg}, with {@code body} (RFC 3264 §8: an SDP body carries
     * Referee's origin for the leg, see {@link SdpOrigin}); Content-Type and Content-Length follow the body written.
     */
    void endWithBody(final Leg leg, final CharSequence contentType, final org.agrona.DirectBuffer body,
        final int offset, final int length, final SipMessageWriter writer)
    {
        if (sessions != null && leg != null)
        {
            sessions.sdpSent(leg, contentType, body, offset, length);
        }
        org.agrona.DirectBuffer sent = body;
        int sentOffset = offset;
        int sentLength = length;
        if (media != null && leg != null && SdpOrigin.isSdp(contentType))
        {
            // Media first, then the origin line: SdpOrigin compares what the leg sees (docs/media.md).
            final int written = media.rewriteToward(leg.id, leg.peer() == null ? -1 : leg.peer().id, body, offset,
                length, !leg.isTerminated());
            if (written >= 0)
            {
                sent = media.output();
                sentOffset = 0;
                sentLength = written;
            }
        }
        else if (media != null && leg != null && length > 0)
        {
            // SIP-I/SIP-T: the SDP beside the ISUP part is anchored the same way (its o= line is not Referee's).
            final int written = media.rewritePartsToward(leg.id, leg.peer() == null ? -1 : leg.peer().id, contentType,
                body, offset, length, !leg.isTerminated());
            if (written >= 0)
            {
                sent = media.partsOutput();
                sentOffset = 0;
                sentLength = written;
            }
        }
        if (origins == null || leg == null || leg.flow == null)
        {
            writer.endWithBody(contentType, sent, sentOffset, sentLength);
            return;
        }
        origins.endWithBody(leg, contentType, sent, sentOffset, sentLength, writer, Transport.index(leg.transport),
            family(leg.flow));
    }

    /** Ends the message sent on {@code leg} with the body of {@code from} (as {@link #endWithBody}), or none. */
    void endWithBodyOf(final Leg leg, final SipMessage from, final SipMessageWriter writer)
    {
        if (from.bodyLength() > 0)
        {
            endWithBody(leg, from.contentType(), from.buffer(), from.bodyOffset(), from.bodyLength(), writer);
        }
        else
        {
            writer.endWithoutBody();
        }
    }

    /** SDP bodies sent with the far party's origin line because they did not parse as SDP ({@link SdpOrigin}). */
    public long sdpLeftAsIs()
    {
        return origins == null ? 0 : origins.leftAsIs();
    }

    /** The buffers for copies kept a while (the caller's offer, a transfer's offer for a join that may go again). */
    public dev.referee.engine.message.MessageCopies copies()
    {
        return outbox.copies();
    }

    /**
     * Copies the headers of {@code from} (received on {@code sender}) that may cross to {@code receiver}
     * (docs/security.md, "What crosses"), and its body, and ends the message.
     */
    void copyEndToEnd(final SipMessage from, final Leg sender, final Leg receiver, final SipMessageWriter to)
    {
        headers.copy(from, to, false, sender.trunk(), receiver.trunk());
        endWithBodyOf(receiver, from, to);
    }

    public void sendCancel(final ClientTransaction invite)
    {
        transactions.clients().sendCancel(invite).use(ClientPurpose.CANCEL, null);
    }

    /**
     * CANCEL of {@code invite} (sent on {@code receiver}), with what may cross of {@code cause}, the CANCEL received on
     * {@code sender} (null: none).
     */
    void sendCancel(final ClientTransaction invite, final SipMessage cause, final Leg sender, final Leg receiver)
    {
        if (cause == null || sender == null || receiver == null || !config.headerPolicy())
        {
            sendCancel(invite);
            return;
        }
        final SipMessageWriter writer = transactions.clients().startCancel(invite);
        headers.copy(cause, writer, false, sender.trunk(), receiver.trunk());
        writer.endWithoutBody();
        transactions.clients().sendCancelWritten(invite).use(ClientPurpose.CANCEL, null);
    }

    ClientTransaction sendBye(final Leg leg, final ClientPurpose purpose)
    {
        return sendBye(leg, purpose, null, null);
    }

    /**
     * A BYE on {@code leg}; with {@code cause}, the BYE received on {@code causeLeg} that ended the call, whose headers
     * that may cross go with it (Reason, RFC 3326: why the other side hung up).
     */
    ClientTransaction sendBye(final Leg leg, final ClientPurpose purpose, final SipMessage cause, final Leg causeLeg)
    {
        if (leg.ackPendingCSeq >= 0)
        {
            sendAck(leg, null);
        }
        leg.state(Leg.State.TERMINATED, timers.nowNs(), "BYE sent");
        final long clientId = transactions.clients().reserveClientId();
        final String branch = transactions.clients().branch(clientId);
        final SipMessageWriter writer = startRequest(leg, "BYE", ++leg.localCSeq, branch, SipLimits.MAX_FORWARDS);
        if (cause != null && config.headerPolicy())
        {
            headers.copy(cause, writer, false, causeLeg.trunk(), leg.trunk());
        }
        writer.endWithoutBody();
        final ClientTransaction ct = transactions.clients().sendRequest(
            clientId, branch, SipMethod.BYE, "BYE", leg.transport, leg.flow, leg.connectionId);
        ct.use(purpose, purpose == ClientPurpose.BYE ? leg.call : null);
        return ct;
    }

    /** The ACK for a 2xx (RFC 3261 §13.2.2.4): a new transaction of its own, with the body of the caller's ACK. */
    public void sendAck(final Leg leg, final SipMessage bodySource)
    {
        final String branch = transactions.clients().branch(transactions.clients().reserveClientId());
        final SipMessageWriter writer = startRequest(leg, "ACK", leg.ackPendingCSeq, branch, SipLimits.MAX_FORWARDS);
        if (bodySource != null)
        {
            endWithBodyOf(leg, bodySource, writer);
        }
        else
        {
            writer.endWithoutBody();
        }
        outbox.release(leg.lastAck);
        leg.lastAck = outbox.copyOfMessage();
        leg.lastAckCSeq = leg.ackPendingCSeq;
        leg.ackPendingCSeq = -1;
        leg.ackHeldByTransfer = false;
        outbox.send(leg.transport, leg.flow, leg.connectionId, SipMethod.ACK, 0);
    }

    public SipMessageWriter startRequest(final Leg leg, final CharSequence method, final long cseq,
        final String branch, final int maxForwards)
    {
        return startRequest(leg, method, cseq, branch, maxForwards, leg.routeSet);
    }

    /**
     * As {@link #startRequest(Leg, CharSequence, long, String, int)} with {@code routeSet} for Route: a request of an
     * early dialog (a PRACK) takes the route set of the provisional that made it (RFC 3261 §12.1.2).
     */
    SipMessageWriter startRequest(final Leg leg, final CharSequence method, final long cseq, final String branch,
        final int maxForwards, final List<String> routeSet)
    {
        final SipMessageWriter writer = outbox.begin().requestLine(method, leg.remoteTarget);
        writer.startHeader("Via").append(vias[Transport.index(leg.transport)][family(leg.flow)])
            .append(";branch=").append(branch).append(";rport").endHeader();
        for (int i = 0; i < routeSet.size(); i++)
        {
            writer.header("Route", routeSet.get(i));
        }
        writer.header("Max-Forwards", maxForwards);
        writer.startHeader("From").append(leg.localUri).append(";tag=").append(leg.localTag).endHeader();
        writer.startHeader("To").append(leg.remoteUri);
        if (leg.remoteTag != null && !leg.remoteTag.isEmpty())
        {
            writer.append(";tag=").append(leg.remoteTag);
        }
        writer.endHeader();
        writer.header("Call-ID", leg.callId);
        writer.startHeader("CSeq").append(cseq).append(' ').append(method).endHeader();
        if (config.userAgent() != null && !config.userAgent().isEmpty())
        {
            writer.header("User-Agent", config.userAgent());
        }
        return writer;
    }

    /**
     * An OPTIONS to a route target, out of any dialog (routes[].keepalive): to {@code sip:host:port}, from Referee's
     * address for that transport and family, with a fresh Call-ID and tag; the caller ends it.
     */
    SipMessageWriter startKeepalive(final InetSocketAddress target, final int transport, final String branch,
        final String callId, final String tag)
    {
        final String uri = "sip:" + Addresses.hostPort(target) + Transport.uriParameter(transport);
        final int index = Transport.index(transport);
        final SipMessageWriter writer = outbox.begin().requestLine("OPTIONS", uri);
        writer.startHeader("Via").append(vias[index][family(target)]).append(";branch=").append(branch)
            .append(";rport").endHeader();
        writer.header("Max-Forwards", 70);
        writer.startHeader("From").append(contacts[index][family(target)]).append(";tag=").append(tag).endHeader();
        writer.startHeader("To").append('<').append(uri).append('>').endHeader();
        writer.header("Call-ID", callId);
        writer.startHeader("CSeq").append(1).append(" OPTIONS").endHeader();
        if (config.userAgent() != null && !config.userAgent().isEmpty())
        {
            writer.header("User-Agent", config.userAgent());
        }
        return writer;
    }

    /**
     * Relays {@code response}, received on client transaction {@code ct}, to the server transaction it answers, with
     * Referee's Contact where one belongs and the headers that may cross from the trunk {@code ct} went to toward the
     * trunk {@code st}'s request came from (a response counts only from the host its request went to). {@code leg}:
     * the leg {@code st} is on, whose origin an SDP body takes.
     */
    public void relayResponse(final ServerTransaction st, final Leg leg, final ClientTransaction ct,
        final SipMessage response, final boolean ourContact, final boolean theirContacts)
    {
        writeRelayedResponse(st, leg, ct, response, ourContact, theirContacts, 0, true);
        transactions.send(st, response.statusCode());
    }

    /**
     * Writes what {@link #relayResponse} sends, without sending it. {@code rseq} above 0 makes it a reliable
     * provisional (RFC 3262 §3: Require: 100rel and RSeq); {@code withBody} false leaves the response's body out.
     */
    void writeRelayedResponse(final ServerTransaction st, final Leg leg, final ClientTransaction ct,
        final SipMessage response, final boolean ourContact, final boolean theirContacts, final long rseq,
        final boolean withBody)
    {
        final int status = response.statusCode();
        final SipMessageWriter writer = transactions.startResponse(st, status, response.reasonPhrase());
        if (ourContact)
        {
            writer.header("Contact", contact(st.transport(), st.responseDestination()));
        }
        if (sessions != null)
        {
            sessions.answerHeaders(leg, st.method(), status, writer);
        }
        if (rseq > 0)
        {
            writer.header("Require", OptionTags.REL100);
            writer.header("RSeq", rseq);
        }
        headers.copy(response, writer, theirContacts, trunks.trunkOf(ct.destination()),
            trunks.trunkOf(st.responseDestination()));
        if (withBody)
        {
            endWithBodyOf(leg, response, writer);
        }
        else
        {
            writer.endWithoutBody();
        }
    }

    /** A copy of the message just written (kept to be sent later or again); release it when done. */
    dev.referee.engine.message.StoredMessage copyOfMessage()
    {
        return outbox.copyOfMessage();
    }

    /** The outbox, for the stored messages of reliable provisionals (sent later, sent again, given back). */
    Outbox outbox()
    {
        return outbox;
    }

    /** A response of {@code status} with its RFC reason phrase (SipStatus) and one optional header. */
    public void respond(final ServerTransaction st, final int status, final String header, final String value)
    {
        respond(st, status, SipStatus.reasonPhrase(status), header, value);
    }

    public void respond(final ServerTransaction st, final int status, final String reason, final String header,
        final String value)
    {
        if (st.localTag == null)
        {
            st.localTag = ids.tag(0);
        }
        final SipMessageWriter writer = transactions.startResponse(st, status, reason);
        if (header != null)
        {
            writer.header(header, value);
        }
        writer.endWithoutBody();
        transactions.send(st, status);
    }

    public String contact(final int transport, final InetSocketAddress peer)
    {
        return contacts[Transport.index(transport)][family(peer)];
    }

    /** Answers {@code st} 200 OK on {@code leg}'s dialog, with Referee's Contact and the body of {@code bodySource}. */
    public void answer(final ServerTransaction st, final Leg leg, final SipMessage bodySource)
    {
        final SipMessageWriter writer = transactions.startResponse(st, SipStatus.OK);
        writer.header("Contact", contact(leg.transport, leg.flow));
        endWithBodyOf(leg, bodySource, writer);
        transactions.send(st, 200);
    }

    /** Answers {@code st} 200 OK on {@code leg}'s dialog, with Referee's Contact and {@code body} (null: none). */
    public void answer(final ServerTransaction st, final Leg leg, final dev.referee.engine.message.StoredMessage body,
        final String contentType)
    {
        final SipMessageWriter writer = transactions.startResponse(st, SipStatus.OK);
        writer.header("Contact", contact(leg.transport, leg.flow));
        if (body != null)
        {
            endWithBody(leg, contentType, body.buffer(), 0, body.length(), writer);
        }
        else
        {
            writer.endWithoutBody();
        }
        transactions.send(st, 200);
    }

    /** Header values left behind because their message had more than could be copied ({@link HeaderCopier}). */
    public long headersLeftBehind()
    {
        return headers.leftBehind();
    }

    static int family(final InetSocketAddress peer)
    {
        return peer.getAddress() instanceof java.net.Inet6Address ? 1 : 0;
    }

    List<String> recordRoutes(final SipMessage message, final boolean reverse)
    {
        final int first = message.findHeader(HeaderName.RECORD_ROUTE, 0);
        if (first < 0)
        {
            return List.of();
        }
        final List<String> routes = new ArrayList<>(4);
        for (int i = first; i >= 0; i = message.findHeader(HeaderName.RECORD_ROUTE, i + 1))
        {
            routes.add(message.headerValue(i, view).toString());
        }
        if (reverse)
        {
            Collections.reverse(routes);
        }
        return routes;
    }

    static int forwardedMaxForwards(final SipMessage request)
    {
        final int maxForwards = request.maxForwards();
        return maxForwards < 0 ? SipLimits.MAX_FORWARDS : maxForwards - 1;
    }

    /** Builds the Strings legs keep from parts of received messages. */
    LegStrings strings()
    {
        return strings;
    }
}
