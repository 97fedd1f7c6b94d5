package dev.referee.journal;

import dev.referee.config.Cidr;
import dev.referee.config.ListenAddress;
import dev.referee.engine.config.DigestAlgorithm;
import dev.referee.engine.config.EngineConfig;
import dev.referee.engine.config.MediaConfig;
import dev.referee.engine.config.Route;
import dev.referee.engine.config.RouteTarget;
import dev.referee.engine.config.TransferConfig;
import dev.referee.engine.config.TrunkAuth;
import dev.referee.engine.config.TrunkCallPolicy;
import dev.referee.ring.MediaFigures;
import dev.referee.engine.config.TrunkConfig;
import dev.referee.engine.config.TrunkHeaderPolicy;
import dev.referee.engine.config.TrunkTransferPolicy;

import net.openhft.chronicle.bytes.Bytes;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Writes records in the layout of docs/journal-format.md: a type byte, a record version byte, then fixed fields.
 * Numbers in Chronicle's byte order (little-endian on the machines Referee runs on); text as a 16-bit length then
 * its chars as bytes (SIP text is ASCII); SIP messages as a 32-bit length then the bytes as received or sent.
 * Stateless: every writer thread calls these with its own bytes.
 */
public final class JournalEncoder
{
    /** String length that stands for null. */
    static final int NULL_TEXT = 0xFFFF;
    static final int NO_ADDRESS = 0;
    static final int IPV4 = 4;
    static final int IPV6 = 6;

    private JournalEncoder()
    {
    }

    /**
     * The record that starts a journal: format version, engine configuration and the identifier key, which a new
     * journal must have ({@code config.idKey()} not null): replay rebuilds every identifier from it.
     */
    public static void nodeStart(final Bytes<?> out, final long timeNs, final long wallClockMs,
        final EngineConfig config)
    {
        if (config.idKey() == null)
        {
            throw new IllegalArgumentException("a journal of format version " + RecordType.FORMAT_VERSION +
                " needs the identifier key in its configuration");
        }
        header(out, RecordType.NODE_START, RecordType.NODE_START_RECORD_VERSION);
        nodeStartBody(out, timeNs, wallClockMs, config);
    }

    /**
     * A configuration taken at {@code timeNs}: a reload ({@link RecordType#CONFIG_RELOAD}, an input) or the one in
     * force when the snapshot that follows was taken ({@link RecordType#CONFIG_IN_FORCE}). After the time and purpose,
     * the layout version of node-start and node-start's fields in that layout ({@code wallClockMs} 0: the engine
     * thread that writes it reads no clock; node-start and recovered records map engine time to the wall clock).
     */
    public static void config(final Bytes<?> out, final long timeNs, final long wallClockMs, final int purpose,
        final EngineConfig config)
    {
        header(out, RecordType.CONFIG);
        out.writeLong(timeNs);
        out.writeByte((byte)purpose);
        out.writeByte((byte)RecordType.NODE_START_RECORD_VERSION);
        nodeStartBody(out, timeNs, wallClockMs, config);
    }

    private static void nodeStartBody(final Bytes<?> out, final long timeNs, final long wallClockMs,
        final EngineConfig config)
    {
        out.writeShort((short)RecordType.FORMAT_VERSION);
        out.writeLong(config.seed()); // the version 1 seed: 0, unused when there is a key
        out.writeLong(timeNs);
        out.writeLong(wallClockMs);
        out.writeByte((byte)config.listen().size());
        for (final ListenAddress listen : config.listen())
        {
            out.writeByte((byte)listen.transport());
            address(out, listen.address());
        }
        out.writeShort((short)config.routes().size());
        for (final Route route : config.routes())
        {
            text(out, route.user().pattern());
            out.writeByte((byte)route.transport());
            address(out, route.target());
        }
        out.writeLong(config.t1Ns());
        out.writeLong(config.t2Ns());
        out.writeLong(config.t4Ns());
        out.writeInt(config.maxCalls());
        text(out, config.userAgent());
        transferSettings(out, config);
        // Format version 2 on: the identifier key, last so that a version 1 reader stops before it.
        out.writeLong(config.idKey().k0());
        out.writeLong(config.idKey().k1());
        trunkPolicies(out, config);
        routeTargets(out, config);
        sessionTimers(out, config);
        media(out, config.media());
    }

    /**
     * Node-start version 7: the {@code media} section, after the session timers: enabled, address, advertise (empty
     * when none), the port range, the two timeouts and strict-source. The SDP Referee writes depends on all of them.
     */
    private static void media(final Bytes<?> out, final MediaConfig media)
    {
        out.writeByte((byte)(media.enabled() ? 1 : 0));
        text(out, media.address().getHostAddress());
        text(out, media.advertise() == null ? "" : media.advertise().getHostAddress());
        out.writeInt(media.lowPort());
        out.writeInt(media.highPort());
        out.writeLong(media.timeoutMs());
        out.writeLong(media.holdTimeoutMs());
        out.writeByte((byte)(media.strictSource() ? 1 : 0));
    }

    /**
     * Node-start version 3: route names, then each trunk's call and header policy, in the order written above, then
     * {@code sip.max-transactions}, then each trunk's {@code auth}: a byte 0 (none) or 1 followed by realm, user and
     * the SHA-256 and MD5 HA1 values and the algorithms offered (never the password: docs/security.md, Authentication).
     */
    private static void trunkPolicies(final Bytes<?> out, final EngineConfig config)
    {
        for (final Route route : config.routes())
        {
            text(out, route.name());
        }
        for (final TrunkConfig trunk : config.trunks())
        {
            final TrunkCallPolicy calls = trunk.calls();
            texts(out, calls.routes());
            out.writeInt(calls.maxCalls());
            out.writeInt(calls.callsPerSecond());
            out.writeInt(calls.retryAfterSeconds());
            out.writeByte((byte)(calls.allowPickup() ? 1 : 0));
            final TrunkHeaderPolicy headers = trunk.headers();
            out.writeByte((byte)(headers.trusted() ? 1 : 0));
            texts(out, headers.passHeaders());
        }
        out.writeInt(config.maxTransactions());
        for (final TrunkConfig trunk : config.trunks())
        {
            final TrunkAuth auth = trunk.auth();
            out.writeByte((byte)(auth == null ? 0 : 1));
            if (auth != null)
            {
                text(out, auth.realm());
                text(out, auth.user());
                text(out, auth.ha1Sha256());
                text(out, auth.ha1Md5());
                out.writeByte((byte)auth.algorithms().size());
                for (final DigestAlgorithm algorithm : auth.algorithms())
                {
                    text(out, algorithm.token());
                }
            }
        }
    }

    /**
     * Node-start version 5: each route's targets (u8 count, then transport, address, priority, weight; the first
     * repeats the route's target written above) and its keepalive (ms).
     */
    private static void routeTargets(final Bytes<?> out, final EngineConfig config)
    {
        for (final Route route : config.routes())
        {
            out.writeByte((byte)route.targets().size());
            for (final RouteTarget target : route.targets())
            {
                out.writeByte((byte)target.transport());
                address(out, target.address());
                out.writeInt(target.priority());
                out.writeInt(target.weight());
            }
            out.writeLong(route.keepaliveMs());
        }
    }

    /**
     * Node-start version 5: the session timer settings (RFC 4028), last of all (after the trunks' auth, and after any
     * other version 5 field: a version 5 node-start that ends before them decodes with the defaults).
     */
    private static void sessionTimers(final Bytes<?> out, final EngineConfig config)
    {
        out.writeInt(config.sessionExpiresS());
        out.writeInt(config.minSeS());
    }

    private static void texts(final Bytes<?> out, final List<String> texts)
    {
        out.writeShort((short)texts.size());
        for (final String text : texts)
        {
            text(out, text);
        }
    }

    /** The transfer, redirect, webhook and trunk settings: they steer the engine, so replay needs them. */
    private static void transferSettings(final Bytes<?> out, final EngineConfig config)
    {
        final TransferConfig transfer = config.transfer();
        out.writeInt(transfer.acceptStatus());
        out.writeLong(transfer.transferorByeTimeoutMs());
        out.writeLong(transfer.ringTimeoutMs());
        text(out, transfer.onFailure().name());
        out.writeInt(config.redirect().max());
        out.writeLong(config.webhook().timeoutMs());
        out.writeShort((short)config.trunks().size());
        for (final TrunkConfig trunk : config.trunks())
        {
            text(out, trunk.name());
            out.writeShort((short)trunk.sources().size());
            for (final Cidr source : trunk.sources())
            {
                text(out, source.toString());
            }
            final TrunkTransferPolicy policy = trunk.transfer();
            text(out, policy.mode().name());
            out.writeByte((byte)(policy.allowPstn() ? 1 : 0));
            out.writeShort((short)policy.targets().size());
            for (final Pattern target : policy.targets())
            {
                text(out, target.pattern());
            }
            text(out, policy.webhook() == null ? null : policy.webhook().toString());
        }
    }

    public static void inputSip(final Bytes<?> out, final long timeNs, final int transport,
        final InetSocketAddress source, final InetSocketAddress local, final long connectionId,
        final DirectBuffer data, final int offset, final int length)
    {
        inputSip(out, null, timeNs, transport, source, local, connectionId, data, offset, length);
    }

    /** As above, with the writer thread's {@code addresses} (null: none) to encode addresses without allocating. */
    static void inputSip(final Bytes<?> out, final AddressCache addresses, final long timeNs, final int transport,
        final InetSocketAddress source, final InetSocketAddress local, final long connectionId,
        final DirectBuffer data, final int offset, final int length)
    {
        header(out, RecordType.INPUT_SIP);
        out.writeLong(timeNs);
        out.writeByte((byte)transport);
        address(out, source, addresses);
        address(out, local, addresses);
        out.writeLong(connectionId);
        message(out, data, offset, length);
    }

    /** A transfer webhook's answer, published into the inbound ring by the webhook client. */
    public static void inputWebhook(final Bytes<?> out, final long timeNs, final long requestId, final boolean accept,
        final DirectBuffer target, final int offset, final int length)
    {
        header(out, RecordType.INPUT_WEBHOOK);
        out.writeLong(timeNs);
        out.writeLong(requestId);
        out.writeByte((byte)(accept ? 1 : 0));
        message(out, target, offset, length);
    }

    /** A connection to {@code destination} failed ({@link RecordType#INPUT_TRANSPORT_FAILURE}). */
    public static void inputTransportFailure(final Bytes<?> out, final long timeNs, final int transport,
        final InetSocketAddress destination, final long connectionId)
    {
        header(out, RecordType.INPUT_TRANSPORT_FAILURE);
        out.writeLong(timeNs);
        out.writeByte((byte)transport);
        address(out, destination, null);
        out.writeLong(connectionId);
    }

    /** The media relay found endpoint {@code endpointId}'s pair silent ({@link RecordType#INPUT_MEDIA_IDLE}). */
    public static void inputMediaIdle(final Bytes<?> out, final long timeNs, final long endpointId)
    {
        header(out, RecordType.INPUT_MEDIA_IDLE);
        out.writeLong(timeNs);
        out.writeLong(endpointId);
    }

    /** The media relay could not open endpoint {@code endpointId} ({@link RecordType#INPUT_MEDIA_OPEN_FAILED}). */
    public static void inputMediaOpenFailed(final Bytes<?> out, final long timeNs, final long endpointId,
        final int rtpPort, final int failure)
    {
        header(out, RecordType.INPUT_MEDIA_OPEN_FAILED);
        out.writeLong(timeNs);
        out.writeLong(endpointId);
        out.writeInt(rtpPort);
        out.writeByte((byte)failure);
    }

    /** The media relay closed endpoint {@code endpointId}: its figures ({@link RecordType#INPUT_MEDIA_STATS}). */
    public static void inputMediaStats(final Bytes<?> out, final long timeNs, final long endpointId,
        final MediaFigures figures)
    {
        header(out, RecordType.INPUT_MEDIA_STATS);
        out.writeLong(timeNs);
        out.writeLong(endpointId);
        out.writeLong(figures.packets);
        out.writeLong(figures.bytes);
        out.writeLong(figures.rtcpPackets);
        out.writeLong(figures.lost);
        out.writeLong(figures.jitter);
        out.writeLong(figures.dropped);
        out.writeLong(figures.firstPacketNs);
        out.writeLong(figures.lastPacketNs);
    }

    public static void inputTick(final Bytes<?> out, final long timeNs)
    {
        header(out, RecordType.INPUT_TICK);
        out.writeLong(timeNs);
    }

    /** A message sent, as {@code records} says: output-sip (every byte) or output-digest. */
    public static void output(final Bytes<?> out, final OutputRecords records, final long timeNs, final int transport,
        final InetSocketAddress destination, final long connectionId, final DirectBuffer data, final int offset,
        final int length)
    {
        if (records == OutputRecords.DIGEST)
        {
            outputDigest(out, null, timeNs, transport, destination, connectionId, data, offset, length);
        }
        else
        {
            outputSip(out, null, timeNs, transport, destination, connectionId, data, offset, length);
        }
    }

    public static void outputSip(final Bytes<?> out, final long timeNs, final int transport,
        final InetSocketAddress destination, final long connectionId, final DirectBuffer data, final int offset,
        final int length)
    {
        outputSip(out, null, timeNs, transport, destination, connectionId, data, offset, length);
    }

    /** As above, with the writer thread's {@code addresses} (null: none) to encode addresses without allocating. */
    static void outputSip(final Bytes<?> out, final AddressCache addresses, final long timeNs, final int transport,
        final InetSocketAddress destination, final long connectionId, final DirectBuffer data, final int offset,
        final int length)
    {
        outputHead(out, RecordType.OUTPUT_SIP, addresses, timeNs, transport, destination, connectionId);
        message(out, data, offset, length);
    }

    /**
     * The digest of a message sent (record {@link RecordType#OUTPUT_DIGEST}): addressing as {@link #outputSip}, then
     * the message's length, its {@link OutputDigest#hash}, its first line and its Call-ID (empty when it has none).
     */
    static void outputDigest(final Bytes<?> out, final AddressCache addresses, final long timeNs, final int transport,
        final InetSocketAddress destination, final long connectionId, final DirectBuffer data, final int offset,
        final int length)
    {
        outputHead(out, RecordType.OUTPUT_DIGEST, addresses, timeNs, transport, destination, connectionId);
        out.writeInt(length);
        out.writeLong(OutputDigest.hash(data, offset, length));
        slice(out, data, offset, OutputDigest.firstLineLength(data, offset, length));
        final long callId = OutputDigest.callIdValue(data, offset, length);
        slice(out, data, offset + (int)(callId >>> 32), (int)callId);
    }

    /** What output-sip and output-digest records start with: the addressing of the message. */
    private static void outputHead(final Bytes<?> out, final int type, final AddressCache addresses, final long timeNs,
        final int transport, final InetSocketAddress destination, final long connectionId)
    {
        header(out, type);
        out.writeLong(timeNs);
        out.writeByte((byte)transport);
        address(out, destination, addresses);
        out.writeLong(connectionId);
    }

    /** The digest record of the message of the output-sip record {@code output}, as {@link #outputDigest} writes it. */
    public static byte[] outputDigestOf(final JournalRecord output)
    {
        final Bytes<byte[]> out = Bytes.allocateElasticOnHeap(128);
        outputDigest(out, null, output.timeNs, output.transport, output.peer, output.connectionId,
            new UnsafeBuffer(output.message), 0, output.message.length);
        return out.toByteArray();
    }

    /**
     * Part {@code part} of {@code parts} of the engine snapshot taken when engine time was {@code timeNs} (the last
     * input handled). A snapshot is cut into parts so that no record outgrows a Chronicle block.
     */
    public static void snapshot(final Bytes<?> out, final long timeNs, final int part, final int parts,
        final int totalLength, final DirectBuffer data, final int offset, final int length)
    {
        snapshotPart(out, timeNs, part, parts, totalLength, length);
        bytes(out, data, offset, length);
    }

    /**
     * {@link #snapshot} up to the part's bytes, which the caller then writes ({@code length} of them): a part is made of
     * the snapshot encoder's smaller chunks.
     */
    public static void snapshotPart(final Bytes<?> out, final long timeNs, final int part, final int parts,
        final int totalLength, final int length)
    {
        header(out, RecordType.SNAPSHOT);
        out.writeLong(timeNs);
        out.writeInt(part);
        out.writeInt(parts);
        out.writeInt(totalLength);
        out.writeInt(length);
    }

    public static void recovered(final Bytes<?> out, final long timeNs, final long wallClockMs,
        final long inputsReplayed, final long recoveryNs)
    {
        header(out, RecordType.RECOVERED);
        out.writeLong(timeNs);
        out.writeLong(wallClockMs);
        out.writeLong(inputsReplayed);
        out.writeLong(recoveryNs);
    }

    /** Type and record version; every event record then starts with nowNs and callId. */
    static void event(final Bytes<?> out, final int type, final long nowNs, final long callId)
    {
        header(out, type);
        out.writeLong(nowNs);
        out.writeLong(callId);
    }

    static void header(final Bytes<?> out, final int type)
    {
        header(out, type, RecordType.RECORD_VERSION);
    }

    private static void header(final Bytes<?> out, final int type, final int recordVersion)
    {
        out.writeByte((byte)type);
        out.writeByte((byte)recordVersion);
    }

    static void text(final Bytes<?> out, final CharSequence text)
    {
        if (text == null)
        {
            out.writeShort((short)NULL_TEXT);
            return;
        }
        final int length = Math.min(text.length(), NULL_TEXT - 1);
        out.writeShort((short)length);
        for (int i = 0; i < length; i++)
        {
            out.writeByte((byte)text.charAt(i));
        }
    }

    /** Family byte, address bytes, port. */
    static void address(final Bytes<?> out, final InetSocketAddress address)
    {
        address(out, address, null);
    }

    /**
     * As above; {@code addresses} (null: none) spares the copy {@link InetAddress#getAddress()} makes on every
     * call when the address is one the writer saw recently.
     */
    static void address(final Bytes<?> out, final InetSocketAddress address, final AddressCache addresses)
    {
        if (address == null || address.getAddress() == null)
        {
            out.writeByte((byte)NO_ADDRESS);
            return;
        }
        final InetAddress ip = address.getAddress();
        final byte[] raw = addresses == null ? ip.getAddress() : addresses.bytes(ip);
        out.writeByte((byte)(raw.length == 4 ? IPV4 : IPV6));
        out.write(raw);
        out.writeShort((short)address.getPort());
    }

    private static void message(final Bytes<?> out, final DirectBuffer data, final int offset, final int length)
    {
        out.writeInt(length);
        bytes(out, data, offset, length);
    }

    /** A text field ({@link #text}'s layout) of {@code length} bytes of {@code data}, with no copy on the heap. */
    private static void slice(final Bytes<?> out, final DirectBuffer data, final int offset, final int length)
    {
        out.writeShort((short)length);
        bytes(out, data, offset, length);
    }

    /** {@code length} bytes of {@code data}, on the heap or not, with no length before them. */
    static void bytes(final Bytes<?> out, final DirectBuffer data, final int offset, final int length)
    {
        final byte[] array = data.byteArray();
        if (array != null)
        {
            out.write(array, data.wrapAdjustment() + offset, length);
        }
        else
        {
            out.unsafeWrite(data.addressOffset() + offset, length);
        }
    }
}
