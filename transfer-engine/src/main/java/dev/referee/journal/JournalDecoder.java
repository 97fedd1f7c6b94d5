package dev.referee.journal;

import dev.referee.config.AddressSyntax;
import dev.referee.config.Cidr;
import dev.referee.config.ListenAddress;
import dev.referee.engine.config.DigestAlgorithm;
import dev.referee.engine.config.EngineConfig;
import dev.referee.engine.config.MediaConfig;
import dev.referee.engine.config.OnTransferFailure;
import dev.referee.engine.config.RedirectConfig;
import dev.referee.engine.config.Route;
import dev.referee.engine.config.RouteTarget;
import dev.referee.engine.config.TransferConfig;
import dev.referee.engine.config.TransferMode;
import dev.referee.engine.config.SipConfig;
import dev.referee.engine.config.TrunkAuth;
import dev.referee.engine.config.TrunkCallPolicy;
import dev.referee.engine.config.TrunkConfig;
import dev.referee.engine.config.TrunkHeaderPolicy;
import dev.referee.engine.config.TrunkTransferPolicy;
import dev.referee.engine.config.WebhookConfig;
import dev.referee.engine.id.IdKey;
import dev.referee.ring.MediaFigures;

import net.openhft.chronicle.bytes.Bytes;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads records written by {@link JournalEncoder} and {@link JournalEvents}: the one decoder of the journal, used
 * by recovery, replay and every dump tool. Fields a later record version appends after the known ones are
 * ignored; an unknown record type decodes as {@link RecordType#UNKNOWN} with its raw bytes.
 */
public final class JournalDecoder
{
    /** Node-start's layout version that added the identifier key (format version 2). */
    private static final int FIRST_NODE_START_WITH_KEY = 2;
    /** Node-start's layout version that added route names and the trunks' call and header policies. */
    private static final int FIRST_NODE_START_WITH_TRUNK_POLICIES = 3;
    /** Node-start's layout version that added each route's targets (priority, weight) and keepalive. */
    private static final int FIRST_NODE_START_WITH_ROUTE_TARGETS = 5;
    private static final int FIRST_NODE_START_WITH_SESSION_TIMERS = 5;
    private static final int FIRST_NODE_START_WITH_MEDIA = 7;

    private JournalDecoder()
    {
    }

    /** The type of the record at the read position of {@code in}, left unread; -1 for an empty record. */
    static int peekType(final Bytes<?> in)
    {
        return in.readRemaining() == 0 ? -1 : in.readUnsignedByte(in.readPosition());
    }

    /** Decodes the record from the read position to the read limit of {@code in}. */
    public static JournalRecord decode(final Bytes<?> in)
    {
        final JournalRecord record = new JournalRecord();
        final long start = in.readPosition();
        final byte[] raw = new byte[(int)in.readRemaining()];
        in.read(raw);
        in.readPosition(start);
        record.raw = raw;

        final int type = in.readUnsignedByte();
        record.recordVersion = in.readUnsignedByte();
        record.type = type;
        switch (type)
        {
            case RecordType.NODE_START -> nodeStart(in, record, record.recordVersion);
            case RecordType.INPUT_SIP ->
            {
                record.timeNs = in.readLong();
                record.transport = in.readUnsignedByte();
                record.peer = address(in);
                record.local = address(in);
                record.connectionId = in.readLong();
                record.message = message(in);
            }
            case RecordType.INPUT_TICK -> record.timeNs = in.readLong();
            case RecordType.INPUT_MEDIA_IDLE ->
            {
                record.timeNs = in.readLong();
                record.mediaEndpoint = in.readLong();
            }
            case RecordType.INPUT_MEDIA_OPEN_FAILED ->
            {
                record.timeNs = in.readLong();
                record.mediaEndpoint = in.readLong();
                record.mediaPort = in.readInt();
                record.mediaFailure = in.readUnsignedByte();
            }
            case RecordType.INPUT_MEDIA_STATS ->
            {
                record.timeNs = in.readLong();
                record.mediaEndpoint = in.readLong();
                record.mediaFigures = new MediaFigures().set(in.readLong(), in.readLong(), in.readLong(),
                    in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong());
            }
            case RecordType.INPUT_TRANSPORT_FAILURE ->
            {
                record.timeNs = in.readLong();
                record.transport = in.readUnsignedByte();
                record.peer = address(in);
                record.connectionId = in.readLong();
            }
            case RecordType.CONFIG ->
            {
                record.timeNs = in.readLong();
                record.configPurpose = in.readUnsignedByte();
                nodeStart(in, record, in.readUnsignedByte());
            }
            case RecordType.INPUT_WEBHOOK ->
            {
                record.timeNs = in.readLong();
                record.webhookRequestId = in.readLong();
                record.webhookAccept = in.readUnsignedByte() != 0;
                record.message = message(in);
            }
            case RecordType.OUTPUT_SIP ->
            {
                record.timeNs = in.readLong();
                record.transport = in.readUnsignedByte();
                record.peer = address(in);
                record.connectionId = in.readLong();
                record.message = message(in);
            }
            case RecordType.OUTPUT_DIGEST ->
            {
                record.timeNs = in.readLong();
                record.transport = in.readUnsignedByte();
                record.peer = address(in);
                record.connectionId = in.readLong();
                record.messageLength = in.readInt();
                record.messageHash = in.readLong();
                record.digestFirstLine = text(in);
                record.sipCallId = text(in);
            }
            case RecordType.SNAPSHOT ->
            {
                record.timeNs = in.readLong();
                record.snapshotPart = in.readInt();
                record.snapshotParts = in.readInt();
                record.snapshotLength = in.readInt();
                record.message = message(in);
            }
            case RecordType.RECOVERED ->
            {
                record.timeNs = in.readLong();
                record.wallClockMs = in.readLong();
                record.inputsReplayed = in.readLong();
                record.recoveryNs = in.readLong();
            }
            default ->
            {
                if (RecordType.isEvent(type))
                {
                    event(in, record);
                }
                else
                {
                    record.type = RecordType.UNKNOWN;
                }
            }
        }
        return record;
    }

    /** Decodes one record from an array (a record kept by {@link MemorySink}). */
    public static JournalRecord decode(final byte[] raw)
    {
        return decode(Bytes.wrapForRead(raw));
    }

    private static void event(final Bytes<?> in, final JournalRecord record)
    {
        record.timeNs = in.readLong();
        record.callId = in.readLong();
        switch (record.type)
        {
            case RecordType.CALL_CREATED ->
            {
                record.parentCallId = in.readLong();
                record.text = texts(in, 5);
            }
            case RecordType.LEG_RINGING -> record.status = in.readInt();
            case RecordType.REFER_RECEIVED -> record.text = texts(in, 4);
            case RecordType.TRANSFER_REFUSED ->
            {
                record.status = in.readInt();
                record.text = texts(in, 1);
            }
            case RecordType.TRANSFER_STARTED ->
            {
                record.transferId = in.readLong();
                record.text = texts(in, 2);
            }
            case RecordType.TRANSFER_TARGET_RINGING ->
            {
                record.transferId = in.readLong();
                record.status = in.readInt();
            }
            case RecordType.TRANSFER_COMPLETED ->
            {
                record.transferId = in.readLong();
                record.newCallId = in.readLong();
            }
            case RecordType.TRANSFER_FAILED ->
            {
                record.transferId = in.readLong();
                record.status = in.readInt();
                record.text = texts(in, 1);
            }
            case RecordType.CALL_ENDED ->
            {
                record.text = texts(in, 1);
                record.status = in.readInt();
            }
            case RecordType.LEG_ADDED -> record.text = texts(in, 2);
            default ->
            {
            }
        }
    }

    /** Node-start's fields in the layout of {@code version} (a config record's too). */
    private static void nodeStart(final Bytes<?> in, final JournalRecord record, final int version)
    {
        record.formatVersion = in.readUnsignedShort();
        final long seed = in.readLong();
        record.timeNs = in.readLong();
        record.wallClockMs = in.readLong();
        final int listenCount = in.readUnsignedByte();
        final List<ListenAddress> listen = new ArrayList<>(listenCount);
        for (int i = 0; i < listenCount; i++)
        {
            final int transport = in.readUnsignedByte();
            listen.add(new ListenAddress(transport, address(in)));
        }
        final int routeCount = in.readUnsignedShort();
        final List<Route> routes = new ArrayList<>(routeCount);
        for (int i = 0; i < routeCount; i++)
        {
            final String user = text(in);
            final int transport = in.readUnsignedByte();
            routes.add(new Route(Pattern.compile(user), address(in), transport));
        }
        final long t1Ns = in.readLong();
        final long t2Ns = in.readLong();
        final long t4Ns = in.readLong();
        final int maxCalls = in.readInt();
        final String userAgent = text(in);
        final boolean keyed = version >= FIRST_NODE_START_WITH_KEY;
        if (in.readRemaining() == 0 && !keyed)
        {
            // Written before the transfer settings were recorded: the defaults of that time.
            record.config = new EngineConfig(listen, routes, t1Ns, t2Ns, t4Ns, maxCalls, userAgent, seed, null,
                TransferConfig.defaults(), RedirectConfig.defaults(), List.of(),
                WebhookConfig.defaults(), SipConfig.defaultMaxTransactions(maxCalls), version);
            return;
        }
        final TransferConfig transfer = new TransferConfig(
            in.readInt(), in.readLong(), in.readLong(), OnTransferFailure.valueOf(text(in)));
        final RedirectConfig redirect = new RedirectConfig(in.readInt());
        final WebhookConfig webhook = new WebhookConfig(in.readLong());
        final int trunkCount = in.readUnsignedShort();
        final List<TrunkConfig> trunks = new ArrayList<>(trunkCount);
        for (int i = 0; i < trunkCount; i++)
        {
            final String name = text(in);
            final int sourceCount = in.readUnsignedShort();
            final List<Cidr> sources = new ArrayList<>(sourceCount);
            for (int j = 0; j < sourceCount; j++)
            {
                sources.add(Cidr.parse(text(in)));
            }
            final TransferMode mode = TransferMode.valueOf(text(in));
            final boolean allowPstn = in.readUnsignedByte() != 0;
            final int targetCount = in.readUnsignedShort();
            final List<Pattern> targets = new ArrayList<>(targetCount);
            for (int j = 0; j < targetCount; j++)
            {
                targets.add(Pattern.compile(text(in)));
            }
            final String url = text(in);
            trunks.add(new TrunkConfig(name, sources, new TrunkTransferPolicy(
                mode, allowPstn, targets, url == null ? null : URI.create(url))));
        }
        // Node-start of version 2 on ends with the identifier key; without one (version 1) the seed drives the old
        // generator, as when the journal was written.
        final IdKey idKey = keyed ? idKey(in) : null;
        final boolean policies = version >= FIRST_NODE_START_WITH_TRUNK_POLICIES;
        final List<Route> namedRoutes = policies ? namedRoutes(in, routes) : routes;
        final List<TrunkConfig> trunksWithPolicies = policies ? trunkPolicies(in, trunks) : trunks;
        final int maxTransactions = policies ? in.readInt() : SipConfig.defaultMaxTransactions(maxCalls);
        // Version 3 journals written before trunks[].auth end here: no trunk authenticated.
        final List<TrunkConfig> trunksWithAuth = policies && in.readRemaining() > 0
            ? trunkAuth(in, trunksWithPolicies) : trunksWithPolicies;
        final List<Route> routesWithTargets = version >= FIRST_NODE_START_WITH_ROUTE_TARGETS && in.readRemaining() > 0
            ? routeTargets(in, namedRoutes) : namedRoutes;
        // The session timer settings are node-start's last fields, after the route targets: version 5 journals written
        // before they were recorded end here, and decode with the defaults, fixed then.
        final boolean sessionTimers = version >= FIRST_NODE_START_WITH_SESSION_TIMERS &&
            in.readRemaining() >= 2 * Integer.BYTES;
        final int sessionExpiresS = sessionTimers ? in.readInt() : SipConfig.DEFAULT_SESSION_EXPIRES_S;
        final int minSeS = sessionTimers ? in.readInt() : SipConfig.DEFAULT_MIN_SE_S;
        final MediaConfig media = version >= FIRST_NODE_START_WITH_MEDIA ? media(in) : MediaConfig.defaults();
        record.config = new EngineConfig(listen, routesWithTargets, t1Ns, t2Ns, t4Ns, maxCalls, userAgent, seed, idKey,
            transfer, redirect, trunksWithAuth, webhook, maxTransactions, version, sessionExpiresS, minSeS, media);
    }

    /** Node-start version 7: the {@code media} section (JournalEncoder.media). */
    private static MediaConfig media(final Bytes<?> in)
    {
        final boolean enabled = in.readUnsignedByte() != 0;
        final InetAddress address = AddressSyntax.ipLiteral(text(in));
        final String advertise = text(in);
        return new MediaConfig(enabled, address, advertise == null || advertise.isEmpty() ? null :
            AddressSyntax.ipLiteral(advertise), in.readInt(), in.readInt(), in.readLong(), in.readLong(),
            in.readUnsignedByte() != 0);
    }

    private static List<Route> namedRoutes(final Bytes<?> in, final List<Route> routes)
    {
        final List<Route> named = new ArrayList<>(routes.size());
        for (final Route route : routes)
        {
            named.add(new Route(text(in), route.user(), route.target(), route.transport()));
        }
        return named;
    }

    /** Each trunk's {@code auth} (HA1 values, not the password), after {@code sip.max-transactions}. */
    /** Node-start version 5: each route's targets (the first is the one read above) and keepalive. */
    private static List<Route> routeTargets(final Bytes<?> in, final List<Route> routes)
    {
        final List<Route> withTargets = new ArrayList<>(routes.size());
        for (final Route route : routes)
        {
            final int count = in.readUnsignedByte();
            final List<RouteTarget> targets = new ArrayList<>(count);
            for (int i = 0; i < count; i++)
            {
                final int transport = in.readUnsignedByte();
                targets.add(new RouteTarget(address(in), transport, in.readInt(), in.readInt()));
            }
            withTargets.add(new Route(route.name(), route.user(), targets, in.readLong()));
        }
        return withTargets;
    }

    private static List<TrunkConfig> trunkAuth(final Bytes<?> in, final List<TrunkConfig> trunks)
    {
        final List<TrunkConfig> withAuth = new ArrayList<>(trunks.size());
        for (final TrunkConfig trunk : trunks)
        {
            final TrunkAuth auth = in.readUnsignedByte() == 0 ? null
                : new TrunkAuth(text(in), text(in), text(in), text(in), algorithms(in));
            withAuth.add(new TrunkConfig(trunk.name(), trunk.sources(), trunk.transfer(), trunk.calls(),
                trunk.headers(), auth));
        }
        return withAuth;
    }

    private static List<DigestAlgorithm> algorithms(final Bytes<?> in)
    {
        final int count = in.readUnsignedByte();
        final List<DigestAlgorithm> algorithms = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            algorithms.add(DigestAlgorithm.of(text(in)));
        }
        return algorithms;
    }

    /** Before version 3 a trunk had no call or header policy: the defaults, which change nothing. */
    private static List<TrunkConfig> trunkPolicies(final Bytes<?> in, final List<TrunkConfig> trunks)
    {
        final List<TrunkConfig> withPolicies = new ArrayList<>(trunks.size());
        for (final TrunkConfig trunk : trunks)
        {
            final TrunkCallPolicy calls = new TrunkCallPolicy(
                List.of(texts(in, in.readUnsignedShort())), in.readInt(), in.readInt(), in.readInt(),
                in.readUnsignedByte() != 0);
            final boolean trusted = in.readUnsignedByte() != 0;
            final TrunkHeaderPolicy headers = new TrunkHeaderPolicy(
                trusted, List.of(texts(in, in.readUnsignedShort())));
            withPolicies.add(new TrunkConfig(trunk.name(), trunk.sources(), trunk.transfer(), calls, headers));
        }
        return withPolicies;
    }

    private static IdKey idKey(final Bytes<?> in)
    {
        if (in.readRemaining() < 2 * Long.BYTES)
        {
            // Never guess: ids made from anything but the recorded key would not match a single recorded dialog.
            throw new IllegalStateException("node-start of record version 2 ends before its identifier key " +
                "(journal damaged?)");
        }
        return new IdKey(in.readLong(), in.readLong());
    }

    private static String[] texts(final Bytes<?> in, final int count)
    {
        final String[] texts = new String[count];
        for (int i = 0; i < count; i++)
        {
            texts[i] = text(in);
        }
        return texts;
    }

    static String text(final Bytes<?> in)
    {
        final int length = in.readUnsignedShort();
        if (length == JournalEncoder.NULL_TEXT)
        {
            return null;
        }
        final byte[] bytes = new byte[length];
        in.read(bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    static InetSocketAddress address(final Bytes<?> in)
    {
        final int family = in.readUnsignedByte();
        if (family == JournalEncoder.NO_ADDRESS)
        {
            return null;
        }
        final byte[] raw = new byte[family == JournalEncoder.IPV4 ? 4 : 16];
        in.read(raw);
        final int port = in.readUnsignedShort();
        try
        {
            return new InetSocketAddress(InetAddress.getByAddress(raw), port);
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException("bad address length " + raw.length, ex);
        }
    }

    private static byte[] message(final Bytes<?> in)
    {
        final int length = in.readInt();
        final byte[] bytes = new byte[length];
        in.read(bytes);
        return bytes;
    }
}
