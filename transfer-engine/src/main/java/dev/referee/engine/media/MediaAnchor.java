package dev.referee.engine.media;

import dev.referee.engine.config.MediaConfig;
import dev.referee.engine.snapshot.SnapshotReader;
import dev.referee.engine.snapshot.SnapshotWriter;
import dev.referee.media.MediaPorts;
import dev.referee.sip.AsciiView;
import dev.referee.sip.sdp.SessionDescription;
import org.agrona.DirectBuffer;
import org.agrona.collections.IntHashSet;
import org.agrona.collections.Long2ObjectHashMap;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Anchors the media of every leg in the relay (issue 10, docs/media.md "The engine's side"): the engine decides,
 * the relay executes. Each leg gets one endpoint per relayable {@code m=} line, an RTP/RTCP port pair from
 * {@code media.ports} allocated when the leg first needs it (an SDP received from its peer, or sent to it) and kept
 * for the leg's life, so that every SDP Referee sends on a leg names the same address and ports whoever is at the far
 * end. What the leg's peer says in its SDP points the endpoint at it ({@link MediaControl#peer}); the endpoints of
 * two legs joined by the B2BUA (a call's caller and callee, a transfer's transferee and target once the join
 * completes) are linked line by line, so a transfer re-anchors by linking the transferee's endpoint to the target's:
 * the transferee's ports, hence its SDP's address and port, do not change. A leg's endpoints close with the leg.
 * <p>
 * Everything here follows from the engine's inputs: the ports come from {@link MediaPorts}, which allocates in a
 * fixed order, so a replay allocates the same ports. Commands go to {@link MediaControl#NONE} until the node goes
 * live ({@link #live}), which then opens and links what the engine holds. Engine thread only.
 */
public final class MediaAnchor
{
    /** The most {@code m=} lines a leg has endpoints for: the most a body parses with. */
    public static final int MAX_LINES = SessionDescription.MAX_MEDIA;
    static final long NONE = -1;
    /** The relay's reason when an endpoint's port could not be bound (MediaReportListener.OpenFailure.BIND_FAILED). */
    public static final int BIND_FAILED = 0;
    private static final int PCMU = 0;
    private static final int PCMA = 8;

    private final MediaConfig config;
    private final MediaPorts ports;
    private final SdpRewriter rewriter;
    private final SdpPart sdpPart = new SdpPart();
    private final LastPeerSdps lastSdps;
    private final Long2ObjectHashMap<LegMedia> legs = new Long2ObjectHashMap<>();
    /**
     * RTP ports of pairs the relay could not bind (another process holds one of the two ports): out of the pool for
     * good, held in {@link #ports} as if in use, never released. Bounded by the range.
     */
    private final IntHashSet unusable = new IntHashSet();
    private final int[] portsToward = new int[MAX_LINES];
    private MediaControl control = MediaControl.NONE;
    private long exhausted;
    private long refused;
    private long leftAsIs;

    public MediaAnchor(final MediaConfig config)
    {
        this.config = config;
        this.ports = new MediaPorts(config.lowPort(), config.highPort());
        this.rewriter = new SdpRewriter(config.sdpAddress());
        this.lastSdps = new LastPeerSdps(config.sdpAddress());
    }

    /** The relay's id of leg {@code legId}'s endpoint for its {@code m=} line {@code line}. */
    public static long endpointId(final long legId, final int line)
    {
        return legId * MAX_LINES + line;
    }

    /** The leg of the relay's endpoint {@code endpointId}. */
    public static long legOf(final long endpointId)
    {
        return endpointId / MAX_LINES;
    }

    /**
     * Leg {@code legId}'s dialog is established: from now on its endpoints time out after {@code media.timeout} of
     * silence ({@code media.hold-timeout} for a line its peer put on hold); while ringing they never do. The relay
     * reports a linked pair once both ends have been silent for the longer of their two timeouts.
     */
    public void answered(final long legId)
    {
        final LegMedia leg = legMedia(legId);
        if (leg.answered)
        {
            return;
        }
        leg.answered = true;
        for (int i = 0; i < MAX_LINES; i++)
        {
            if (leg.rtpPort[i] != 0)
            {
                refusedUnless(control.timeout(endpointId(legId, i), timeoutNs(leg.onHold[i])));
            }
        }
    }

    /**
     * True when a new call whose caller offers {@code body} (length 0: no offer) finds the port pairs it needs: one per
     * relayable line on each of its two legs (one each when it offers none: the answer will). A call that does not is
     * answered 503 before anything of it is made.
     */
    public boolean hasRoomForCall(final DirectBuffer body, final int offset, final int length)
    {
        int lines = 1;
        if (length > 0 && rewriter.read(body, offset, length) > 0)
        {
            lines = 0;
            final PeerMedia peer = rewriter.peer();
            for (int i = 0; i < peer.count(); i++)
            {
                lines += peer.relayable(i) ? 1 : 0;
            }
            lines = Math.max(1, lines);
        }
        return ports.capacity() - ports.inUse() >= 2 * lines;
    }

    /**
     * An SDP {@code body} received from leg {@code legId}'s peer: its relayable lines get endpoints (allocated when
     * new), each pointed at where the peer receives when that changed, and linked to the lines of the leg it is joined
     * to ({@code joinedLegId}, or -1).
     */
    public void received(final long legId, final long joinedLegId, final DirectBuffer body, final int offset,
        final int length)
    {
        final int lines = rewriter.read(body, offset, length);
        if (lines <= 0)
        {
            return;
        }
        lastSdps.store(legId, body, offset, length);
        final LegMedia leg = legMedia(legId);
        final LegMedia joined = joinedLegId < 0 ? null : legs.get(joinedLegId);
        final PeerMedia peer = rewriter.peer();
        for (int i = 0; i < lines; i++)
        {
            if (!peer.relayable(i) || !open(leg, legId, i))
            {
                continue;
            }
            if (leg.onHold[i] != peer.onHold(i))
            {
                leg.onHold[i] = peer.onHold(i);
                if (leg.answered)
                {
                    refusedUnless(control.timeout(endpointId(legId, i), timeoutNs(leg.onHold[i])));
                }
            }
            leg.peerPayloadType[i] = peer.firstPayloadType(i);
            final AsciiView address = peer.address(i);
            // c=0.0.0.0 is hold (RFC 3264 §8.4): the peer keeps its address, and the relay what it latched.
            final boolean moved = !address.contentEquals("0.0.0.0") &&
                leg.peerChanged(i, address, peer.rtpPort(i), peer.rtcpPort(i), peer.rtcpMux(i), peer.clockRateHz(i));
            // rtcp-mux is negotiated per hop (RFC 5761 §5.1.1): a leg muxes only if its SDP and the other leg's, which
            // Referee relayed to it as offer or answer, both say so; the other leg's endpoint may have to change too.
            final boolean agreed = agreedMux(leg, joined, i);
            if (leg.peerPort[i] != 0 && (moved || leg.toldMux[i] != agreed))
            {
                tellPeer(legId, leg, i, agreed);
            }
            if (joined != null && joined.peerPort[i] != 0 && joined.toldMux[i] != agreed)
            {
                tellPeer(joinedLegId, joined, i, agreed);
            }
        }
        link(legId, leg, joinedLegId, false);
    }

    /** Line {@code line}'s rtcp-mux: the leg's peer offered or accepted it, and so did the other leg's, if known. */
    private static boolean agreedMux(final LegMedia leg, final LegMedia joined, final int line)
    {
        return leg.peerMux[line] && (joined == null || joined.peerPort[line] == 0 || joined.peerMux[line]);
    }

    private void tellPeer(final long legId, final LegMedia leg, final int line, final boolean mux)
    {
        leg.toldMux[line] = mux;
        refusedUnless(control.peer(endpointId(legId, line), leg.peerAddress[line], leg.peerPort[line],
            leg.peerRtcpPort[line], mux, leg.peerClockRateHz[line]));
    }

    /**
     * Writes {@code body}, an SDP sent to leg {@code legId}'s peer, with the relay's address and the leg's own ports
     * (allocated for lines it had none for; a line left without a pair is rejected with port 0) into {@link #output}:
     * the length written, or -1 when the body does not parse as SDP or does not fit (sent as it came, counted).
     * {@code live} false (a leg whose dialog ended, maybe gone from the engine: a late answer relayed to it) allocates
     * nothing: lines it has no pair for go with port 0, since a pair taken then would never be released.
     */
    public int rewriteToward(final long legId, final long joinedLegId, final DirectBuffer body, final int offset,
        final int length, final boolean live)
    {
        final int lines = rewriter.read(body, offset, length);
        if (lines < 0)
        {
            leftAsIs++;
            return -1;
        }
        final LegMedia leg = live ? legMedia(legId) : legs.get(legId);
        final PeerMedia peer = rewriter.peer();
        for (int i = 0; i < lines; i++)
        {
            portsToward[i] = leg != null && peer.relayable(i) && (live ? open(leg, legId, i) : leg.rtpPort[i] != 0) ?
                leg.rtpPort[i] : 0;
        }
        final int written = rewriter.write(portsToward);
        if (written < 0)
        {
            leftAsIs++;
            return -1;
        }
        if (leg != null && live)
        {
            link(legId, leg, joinedLegId, false);
        }
        return written;
    }

    /**
     * {@link #received} for the SDP part of a multipart body (SIP-I and SIP-T: SDP beside ISUP, RFC 3204); a body of
     * another type, or one with no SDP part, is passed over.
     */
    public void receivedInParts(final long legId, final long joinedLegId, final CharSequence contentType,
        final DirectBuffer body, final int offset, final int length)
    {
        if (sdpPart.find(contentType, body, offset, length))
        {
            received(legId, joinedLegId, body, sdpPart.offset(), sdpPart.length());
        }
    }

    /**
     * {@link #rewriteToward} for the SDP part of a multipart body: the whole body, that part rewritten and every other
     * byte as it came, into {@link #partsOutput}; the length written, or -1 when there is no SDP part or it was left
     * as it came.
     */
    public int rewritePartsToward(final long legId, final long joinedLegId, final CharSequence contentType,
        final DirectBuffer body, final int offset, final int length, final boolean live)
    {
        if (!sdpPart.find(contentType, body, offset, length))
        {
            return -1;
        }
        final int written = rewriteToward(legId, joinedLegId, body, sdpPart.offset(), sdpPart.length(), live);
        return written < 0 ? -1 : sdpPart.splice(body, offset, length, rewriter.output(), written);
    }

    /** What {@link #rewritePartsToward} wrote, from index 0. */
    public DirectBuffer partsOutput()
    {
        return sdpPart.output();
    }

    /** What {@link #rewriteToward} wrote, from index 0. */
    public DirectBuffer output()
    {
        return rewriter.output();
    }

    /**
     * Two legs are joined (a call, a transfer's join, a pickup), or a transferee goes back to its far side when its
     * transfer failed: their media is linked, line by line, and an early link of either ({@link #linkEarly}) is over.
     */
    public void joined(final long legId, final long otherLegId)
    {
        final LegMedia leg = legs.get(legId);
        if (leg != null)
        {
            link(legId, leg, otherLegId, true);
        }
    }

    /**
     * A transfer's target answered the transferee's offer before it answered the call (183 with SDP): the transferee
     * {@code legId} hears the target {@code targetLegId} at once (its ringback ends) and keeps hearing it while the
     * transferee's own dialog goes on with its far side (a re-INVITE, its answer): those do not link it back, only
     * {@link #joined} does, the join completing or the transfer failing.
     */
    public void linkEarly(final long legId, final long targetLegId)
    {
        final LegMedia leg = legs.get(legId);
        if (leg != null && legs.get(targetLegId) != null)
        {
            link(legId, leg, targetLegId, true);
            leg.earlyLinked = true;
        }
    }

    /**
     * Leg {@code legId}'s early link is over (its transfer failed, or calls its target again): it is linked to
     * {@code farLegId} again (its own dialog's far side; -1: none is left).
     */
    public void endEarlyLink(final long legId, final long farLegId)
    {
        final LegMedia leg = legs.get(legId);
        if (leg != null && leg.earlyLinked)
        {
            leg.earlyLinked = false;
            link(legId, leg, farLegId, true);
        }
    }

    /**
     * Leg {@code legId}'s peer's last SDP as a fresh sendrecv offer (LastPeerSdps) into {@link #offerOutput}, to be
     * sent on another leg (a transfer's target, as any body: rewritten toward that leg): its length, or -1 when the
     * peer sent none.
     */
    public int freshOfferOf(final long legId)
    {
        return lastSdps.freshOffer(legId);
    }

    /** What {@link #freshOfferOf} wrote, from index 0. */
    public DirectBuffer offerOutput()
    {
        return lastSdps.output();
    }

    /** Leg {@code legId} is gone: its endpoints close and their ports are free again. */
    public void released(final long legId)
    {
        lastSdps.forget(legId);
        final LegMedia leg = legs.remove(legId);
        if (leg == null)
        {
            return;
        }
        for (int i = 0; i < MAX_LINES; i++)
        {
            if (leg.rtpPort[i] != 0)
            {
                forgetLink(leg.linkedTo[i], endpointId(legId, i));
                refusedUnless(control.close(endpointId(legId, i)));
                if (!unusable.contains(leg.rtpPort[i]))
                {
                    ports.release(leg.rtpPort[i]);
                }
            }
        }
    }

    /**
     * Ringback to leg {@code legId}'s peer (a transferee while its transfer's target rings, issue 10) on each line
     * whose peer's codec is G.711 (PCMU or PCMA: the relay's tone is in those); the peer hears nothing else until
     * {@link #stopRingback} or the leg is linked anew (the join).
     */
    public void ringback(final long legId)
    {
        final LegMedia leg = legs.get(legId);
        for (int i = 0; leg != null && i < MAX_LINES; i++)
        {
            final int payloadType = leg.peerPayloadType[i];
            if (leg.rtpPort[i] != 0 && !leg.ringback[i] && (payloadType == PCMU || payloadType == PCMA))
            {
                leg.ringback[i] = true;
                refusedUnless(control.ringback(endpointId(legId, i), payloadType));
            }
        }
    }

    /** Stops leg {@code legId}'s ringback: its peer hears its far side again (the transfer failed). */
    public void stopRingback(final long legId)
    {
        final LegMedia leg = legs.get(legId);
        for (int i = 0; leg != null && i < MAX_LINES; i++)
        {
            if (leg.ringback[i])
            {
                leg.ringback[i] = false;
                refusedUnless(control.ringback(endpointId(legId, i), MediaControl.NO_RINGBACK));
            }
        }
    }

    /**
     * The relay could not open an endpoint on {@code rtpPort} ({@code failure}: its reason): when the port could not be
     * bound, its pair leaves the pool for good, whether a leg still holds it (it is not given back when that leg ends)
     * or not. Returns true when the pair was taken out now.
     */
    public boolean openFailed(final int rtpPort, final int failure)
    {
        if (failure != BIND_FAILED || unusable.contains(rtpPort))
        {
            return false;
        }
        if (!ports.isInUse(rtpPort) && !ports.claim(rtpPort))
        {
            return false; // not a pair of media.ports: nothing to take out
        }
        unusable.add(rtpPort);
        return true;
    }

    /** Port pairs out of the pool because the relay could not bind them (/status). */
    public int pairsUnusable()
    {
        return unusable.size();
    }

    /**
     * The node is live: from now on commands go to {@code next}, which first gets every endpoint the engine holds
     * (opened, pointed at its peer, linked), all of them made while the journal was replayed with no relay.
     */
    public void live(final MediaControl next)
    {
        control = next;
        legs.forEach((legId, leg) ->
        {
            for (int i = 0; i < MAX_LINES; i++)
            {
                if (leg.rtpPort[i] != 0)
                {
                    final long endpoint = endpointId(legId, i);
                    refusedUnless(control.open(endpoint, leg.rtpPort[i], config.strictSource(),
                        leg.answered ? timeoutNs(leg.onHold[i]) : 0));
                    if (leg.peerPort[i] != 0)
                    {
                        tellPeer(legId, leg, i, leg.toldMux[i]);
                    }
                }
            }
        });
        legs.forEach((legId, leg) ->
        {
            for (int i = 0; i < MAX_LINES; i++)
            {
                final long endpoint = endpointId(legId, i);
                if (leg.linkedTo[i] != NONE && endpoint < leg.linkedTo[i])
                {
                    refusedUnless(control.link(endpoint, leg.linkedTo[i]));
                }
            }
        });
        // After the links, which would end it: the transferees whose targets still ring hear ringback again.
        legs.forEach((legId, leg) ->
        {
            for (int i = 0; i < MAX_LINES; i++)
            {
                if (leg.ringback[i])
                {
                    refusedUnless(control.ringback(endpointId(legId, i), leg.peerPayloadType[i]));
                }
            }
        });
    }

    /**
     * The engine snapshot's media section, as node-start version {@code behaviour} wrote it: from version 8 the pairs
     * out of the pool first; the allocator's cursor, then each leg (by id, ascending: two equal engines write equal
     * bytes) with its answered flag (from version 9 whether it is linked early) and, per line with a pair, its port,
     * link, hold and peer (from version 8 also the peer's first payload type and whether ringback plays); from version
     * 9 last, each leg's peer's last SDP. The pairs in use are those of the legs and the unusable ones.
     */
    public void write(final SnapshotWriter out, final int behaviour)
    {
        final boolean version8 = behaviour >= 8;
        if (version8)
        {
            final int[] sorted = unusable.stream().mapToInt(Integer::intValue).sorted().toArray();
            out.writeInt(sorted.length);
            for (final int port : sorted)
            {
                out.writeInt(port);
            }
        }
        out.writeInt(ports.cursorPort());
        final long[] ids = legs.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
        out.writeInt(ids.length);
        for (final long legId : ids)
        {
            final LegMedia leg = legs.get(legId);
            out.writeLong(legId);
            out.writeBoolean(leg.answered);
            if (behaviour >= 9)
            {
                out.writeBoolean(leg.earlyLinked);
            }
            int lines = 0;
            for (int i = 0; i < MAX_LINES; i++)
            {
                lines += leg.rtpPort[i] != 0 ? 1 : 0;
            }
            out.writeByte(lines);
            for (int i = 0; i < MAX_LINES; i++)
            {
                if (leg.rtpPort[i] == 0)
                {
                    continue;
                }
                out.writeByte(i);
                out.writeInt(leg.rtpPort[i]);
                out.writeLong(leg.linkedTo[i]);
                out.writeBoolean(leg.onHold[i]);
                out.writeBytes(leg.peerAddressText[i]);
                out.writeInt(leg.peerPort[i]);
                out.writeInt(leg.peerRtcpPort[i]);
                out.writeBoolean(leg.peerMux[i]);
                out.writeBoolean(leg.toldMux[i]);
                out.writeInt(leg.peerClockRateHz[i]);
                if (version8)
                {
                    out.writeInt(leg.peerPayloadType[i]);
                    out.writeBoolean(leg.ringback[i]);
                }
            }
        }
        if (behaviour >= 9)
        {
            lastSdps.write(out);
        }
    }

    /** Restores what {@link #write} wrote into this anchor, fresh: pairs claimed, nothing told to the relay yet. */
    public void read(final SnapshotReader in, final int behaviour)
    {
        final boolean version8 = behaviour >= 8;
        final int unusableCount = version8 ? in.readInt() : 0;
        for (int i = 0; i < unusableCount; i++)
        {
            final int port = in.readInt();
            if (!ports.claim(port))
            {
                throw new IllegalStateException("snapshot names unusable media port " + port + " twice or out of media.ports");
            }
            unusable.add(port);
        }
        final int cursor = in.readInt();
        final int count = in.readInt();
        for (int n = 0; n < count; n++)
        {
            final long legId = in.readLong();
            final LegMedia leg = legMedia(legId);
            leg.answered = in.readBoolean();
            leg.earlyLinked = behaviour >= 9 && in.readBoolean();
            final int lines = in.readByte();
            for (int k = 0; k < lines; k++)
            {
                final int i = in.readByte();
                leg.rtpPort[i] = in.readInt();
                if (!ports.claim(leg.rtpPort[i]) && !unusable.contains(leg.rtpPort[i]))
                {
                    throw new IllegalStateException("snapshot names media port " + leg.rtpPort[i] +
                        " twice or out of media.ports");
                }
                leg.linkedTo[i] = in.readLong();
                leg.onHold[i] = in.readBoolean();
                final byte[] address = in.readBytes();
                leg.peerAddressText[i] = address;
                leg.peerAddress[i] = address == null ? null : ipLiteral(address);
                leg.peerPort[i] = in.readInt();
                leg.peerRtcpPort[i] = in.readInt();
                leg.peerMux[i] = in.readBoolean();
                leg.toldMux[i] = in.readBoolean();
                leg.peerClockRateHz[i] = in.readInt();
                if (version8)
                {
                    leg.peerPayloadType[i] = in.readInt();
                    leg.ringback[i] = in.readBoolean();
                }
            }
        }
        ports.cursorPort(cursor);
        if (behaviour >= 9)
        {
            lastSdps.read(in);
        }
    }

    /** The port pairs in use. */
    public int pairsInUse()
    {
        return ports.inUse();
    }

    /** The port pairs of {@code media.ports}. */
    public int pairs()
    {
        return ports.capacity();
    }

    /** Lines that got no port pair because {@code media.ports} was exhausted (rejected with port 0). */
    public long exhausted()
    {
        return exhausted;
    }

    /** Commands the relay's ring could not take. */
    public long refused()
    {
        return refused;
    }

    /** SDP bodies sent as they came: they did not parse, or would not fit once rewritten. */
    public long leftAsIs()
    {
        return leftAsIs;
    }

    /** The lines leg {@code legId} has endpoints for, one bit per line (bit {@code i}: line {@code i}); 0 for none. */
    public int lines(final long legId)
    {
        final LegMedia leg = legs.get(legId);
        int lines = 0;
        for (int i = 0; leg != null && i < MAX_LINES; i++)
        {
            lines |= leg.rtpPort[i] != 0 ? 1 << i : 0;
        }
        return lines;
    }

    /** The RTP port of leg {@code legId}'s line {@code line}, 0 when it has none (tests, status). */
    public int rtpPort(final long legId, final int line)
    {
        final LegMedia leg = legs.get(legId);
        return leg == null ? 0 : leg.rtpPort[line];
    }

    /** The endpoint line {@code line} of leg {@code legId} is linked to, -1 when none (tests). */
    public long linkedTo(final long legId, final int line)
    {
        final LegMedia leg = legs.get(legId);
        return leg == null ? NONE : leg.linkedTo[line];
    }

    private LegMedia legMedia(final long legId)
    {
        LegMedia leg = legs.get(legId);
        if (leg == null)
        {
            leg = new LegMedia();
            legs.put(legId, leg);
        }
        return leg;
    }

    /** Gives line {@code line} of the leg a port pair and opens it when it has none; false when none is left. */
    private boolean open(final LegMedia leg, final long legId, final int line)
    {
        if (leg.rtpPort[line] != 0)
        {
            return true;
        }
        final int port = ports.allocate();
        if (port == MediaPorts.EXHAUSTED)
        {
            exhausted++;
            return false;
        }
        leg.rtpPort[line] = port;
        // Never idle while ringing: the media timeout applies once the leg is answered (a line added later, at once).
        refusedUnless(control.open(endpointId(legId, line), port, config.strictSource(),
            leg.answered ? timeoutNs(leg.onHold[line]) : 0));
        return true;
    }

    private long timeoutNs(final boolean onHold)
    {
        return TimeUnit.MILLISECONDS.toNanos(onHold ? config.holdTimeoutMs() : config.timeoutMs());
    }

    /**
     * Links each line of the leg that has an endpoint to the same line of {@code otherLegId}'s, unless linked so; an
     * SDP exchanged on a leg ({@code explicit} false) does not undo an early link of either.
     */
    private void link(final long legId, final LegMedia leg, final long otherLegId, final boolean explicit)
    {
        final LegMedia other = otherLegId < 0 ? null : legs.get(otherLegId);
        if (other == null || !explicit && (leg.earlyLinked || other.earlyLinked))
        {
            return;
        }
        leg.earlyLinked = false;
        other.earlyLinked = false;
        for (int i = 0; i < MAX_LINES; i++)
        {
            final long endpoint = endpointId(legId, i);
            final long otherEndpoint = endpointId(otherLegId, i);
            if (leg.rtpPort[i] == 0 || other.rtpPort[i] == 0 || leg.linkedTo[i] == otherEndpoint)
            {
                continue;
            }
            // The relay unlinks each side's previous far side (the transferor when the transferee joins the target).
            forgetLink(leg.linkedTo[i], endpoint);
            forgetLink(other.linkedTo[i], otherEndpoint);
            leg.linkedTo[i] = otherEndpoint;
            other.linkedTo[i] = endpoint;
            leg.ringback[i] = false; // the relay ends the ringback of both with the link (a transfer's join)
            other.ringback[i] = false;
            refusedUnless(control.link(endpoint, otherEndpoint));
        }
    }

    /** {@code endpoint} was linked to {@code formerEndpoint} and no longer is: the former forgets it too. */
    private void forgetLink(final long formerEndpoint, final long endpoint)
    {
        if (formerEndpoint == NONE)
        {
            return;
        }
        final LegMedia former = legs.get(formerEndpoint / MAX_LINES);
        final int line = (int)(formerEndpoint % MAX_LINES);
        if (former != null && former.linkedTo[line] == endpoint)
        {
            former.linkedTo[line] = NONE;
        }
    }

    private void refusedUnless(final boolean given)
    {
        if (!given)
        {
            refused++;
        }
    }

    /**
     * The connection address of an SDP as an {@link InetAddress}, when it is an IP literal; null for a name (RFC 4566
     * allows one: it is not resolved on the engine thread, the relay latches the peer from its first packet instead).
     */
    private static InetAddress ipLiteral(final byte[] address)
    {
        final AsciiView view = new AsciiView();
        view.wrap(new org.agrona.concurrent.UnsafeBuffer(address), 0, address.length);
        return ipLiteral(view);
    }

    static InetAddress ipLiteral(final AsciiView address)
    {
        if (address.isEmpty() || address.length() > 45)
        {
            return null;
        }
        boolean colon = false;
        boolean letter = false;
        int dots = 0;
        for (int i = 0; i < address.length(); i++)
        {
            final char c = address.charAt(i);
            final boolean digit = c >= '0' && c <= '9';
            final boolean hexLetter = (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!digit && !hexLetter && c != '.' && c != ':')
            {
                return null;
            }
            colon |= c == ':';
            letter |= hexLetter;
            dots += c == '.' ? 1 : 0;
        }
        if (!colon && (letter || dots != 3))
        {
            return null;
        }
        try
        {
            // A literal only (checked above): InetAddress parses it without a lookup.
            return InetAddress.getByName(address.toString());
        }
        catch (final UnknownHostException e)
        {
            return null;
        }
    }
}
