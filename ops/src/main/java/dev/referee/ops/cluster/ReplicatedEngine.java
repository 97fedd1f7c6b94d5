package dev.referee.ops.cluster;

import dev.referee.engine.Engine;
import dev.referee.engine.media.MediaControl;
import dev.referee.engine.EngineSnapshot;
import dev.referee.engine.config.EngineConfig;
import dev.referee.engine.events.EngineEvents;
import dev.referee.engine.events.EngineEventsFanOut;
import dev.referee.engine.events.WebhookRequests;
import dev.referee.journal.InputReplayer;
import dev.referee.journal.JournalDecoder;
import dev.referee.journal.JournalEncoder;
import dev.referee.journal.JournalRecord;
import dev.referee.journal.RecordType;
import dev.referee.journal.RecoveryGate;
import dev.referee.pipeline.SipSender;
import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.cluster.codecs.CloseReason;
import io.aeron.cluster.service.ClientSession;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusteredService;
import io.aeron.logbuffer.Header;
import net.openhft.chronicle.bytes.Bytes;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The engine as the replicated service of an Aeron Cluster (issue 9, docs/failover.md). Every member runs one and
 * applies the same inputs in the log's order: each log message is one input record of the journal's format (what the
 * leader's receive side encodes, {@code JournalEncoder.input*}), and the first is a node-start record whose
 * configuration and identifier key build the engine, on every member the same. The engine's time is the log's
 * timestamp (Aeron's cluster clock in nanoseconds), never going back, so timers fire at the same log position on every
 * member whichever was leader when an input came in; each record is written with that time before it is applied,
 * and so it goes into this member's own journal.
 * <p>
 * Only the leader's engine reaches the network: its messages go to {@code network}, a follower's go nowhere (they
 * are the same bytes; the leader sent them). Snapshots are the journal's: the configuration in force, then
 * {@link EngineSnapshot}. Service thread only (Aeron's clustered service agent), which is then the engine thread.
 */
public final class ReplicatedEngine implements ClusteredService
{
    /** Where an input record's engine time is: after its type and record-version bytes (JournalEncoder). */
    static final int TIME_OFFSET = 2;
    /** Snapshot bytes per message: below the 8 KiB largest message of a 64 KiB term. */
    private static final int SNAPSHOT_CHUNK = 4 * 1024;

    private final EngineFactory engines;
    private final SipSender network;
    private final MemberJournal journal;
    private final Consumer<Cluster.Role> roles;
    private final Runnable ended;
    private final SipSender leaderOnly = this::sendWhenLeading;
    /**
     * The engine's events (call records, the member's journal) and webhook requests, held back while the log replayed
     * after a restart is what the journal holds already: they were recorded, and asked, before the stop.
     */
    private final RecoveryGate replayGate;
    /** Log messages replayed after a restart that the journal holds already: not appended again. */
    private long alreadyJournaled;
    private long heldAtStart;
    /** The journal held records at start: a recovered mark goes before the first input appended. */
    private boolean restarted;
    /** Whether the input being applied goes to the journal, and so do the messages it makes. */
    private boolean journaling;
    private final UnsafeBuffer record = new UnsafeBuffer(new byte[0]);
    private final AppliedLag appliedLag = new AppliedLag();
    private Cluster cluster;
    private Engine engine;
    private InputReplayer replayer;
    private long engineTimeNs = Long.MIN_VALUE;
    private volatile long inputsApplied; // read by the node and tests: written only here
    private volatile boolean leading;
    private volatile long snapshotsTaken;
    private volatile Cluster.Role role = Cluster.Role.FOLLOWER;
    private volatile int leaderMemberId = -1;
    private volatile long leadershipTermId = -1;
    private volatile long appliedPosition = -1;
    /**
     * The media relay the node hands over when this member takes the lead (its own relay) or gives it up
     * ({@link MediaControl#NONE}): taken by the engine on the service thread, the engine thread ({@link #mediaTo}).
     */
    private final AtomicReference<MediaControl> mediaHandOver = new AtomicReference<>();

    /** Builds the engine of a configuration around what the service gives it; the node adds its counters. */
    @FunctionalInterface
    public interface EngineFactory
    {
        Engine build(EngineConfig config, SipSender sender, EngineEvents events, WebhookRequests webhooks);
    }

    /**
     * @param engines  builds the engine around this service's sender (which reaches {@code network} only while it
     *                 leads), its events and its webhook client.
     * @param network  where the leader's messages go (the node's send stage).
     * @param journal  this member's own journal of what it applied, made and saw happen; null for none.
     * @param events   the engine's events (the member's call records): on every member, as its journal.
     * @param webhooks the webhook client, asked only while this member leads (its answer is an input the leader
     *                 offers to the log); a request whose leader is lost before the answer is decided by its timeout.
     * @param roles    told of every role change, on the service thread: the node binds or unbinds its SIP addresses.
     * @param ended    told when the service terminates (its container closes it: the member's own close, or a fault
     *                 that stopped the container, such as a failed start), on the service thread.
     */
    public ReplicatedEngine(final EngineFactory engines, final SipSender network, final MemberJournal journal,
        final EngineEvents events, final WebhookRequests webhooks, final Consumer<Cluster.Role> roles,
        final Runnable ended)
    {
        this.ended = ended;
        this.engines = engines;
        this.network = network;
        this.journal = journal;
        this.roles = roles;
        final WebhookRequests leaderWebhooks = (requestId, url, json) ->
        {
            if (leading)
            {
                webhooks.post(requestId, url, json);
            }
        };
        this.replayGate = new RecoveryGate(leaderOnly,
            journal == null ? events : EngineEventsFanOut.of(journal.events(), events), leaderWebhooks);
    }

    @Override
    public void onStart(final Cluster cluster, final Image snapshotImage)
    {
        this.cluster = cluster;
        if (snapshotImage != null)
        {
            restore(snapshotImage);
        }
        if (journal != null)
        {
            final long held = journal.alreadyHolds(engine == null ? MemberJournal.FROM_THE_START : engine.nowNs());
            if (held == MemberJournal.UNKNOWN)
            {
                System.getLogger(ReplicatedEngine.class.getName()).log(System.Logger.Level.WARNING,
                    "member journal " + journal.dir() + ": its last snapshot is not the cluster's this member " +
                    "restarts from; the inputs replayed from the log are all appended, some of them again");
            }
            alreadyJournaled = Math.max(0, held);
            heldAtStart = alreadyJournaled;
            restarted = !journal.isEmpty();
        }
    }

    @Override
    public void onSessionOpen(final ClientSession session, final long timestamp)
    {
    }

    @Override
    public void onSessionClose(final ClientSession session, final long timestamp, final CloseReason closeReason)
    {
    }

    @Override
    public void onSessionMessage(final ClientSession session, final long timestamp, final DirectBuffer buffer,
        final int offset, final int length, final Header header)
    {
        if (length < TIME_OFFSET + Long.BYTES)
        {
            return;
        }
        appliedPosition = header.position();
        final byte[] raw = new byte[length];
        buffer.getBytes(offset, raw);
        // Before the log's time replaces it: the leader's receive time, for its overload signal.
        appliedLag.applied(session.id(), buffer.getLong(offset + TIME_OFFSET, ByteOrder.LITTLE_ENDIAN));
        engineTimeNs = Math.max(engineTimeNs, timestamp);
        record.wrap(raw);
        record.putLong(TIME_OFFSET, engineTimeNs, ByteOrder.LITTLE_ENDIAN);
        final int type = raw[0] & 0xFF;
        if (engine == null)
        {
            // Nothing is applied before the engine exists; a second node-start (two leaders each began the log, one
            // of them too late) is ignored: the first in the log is everyone's.
            if (type == RecordType.NODE_START)
            {
                engine = engines.build(JournalDecoder.decode(raw).config, leaderOnly, replayGate, replayGate);
                replayer = new InputReplayer(engine);
                journal(raw);
            }
            return;
        }
        if (type == RecordType.NODE_START)
        {
            return;
        }
        final JournalRecord input = JournalDecoder.decode(raw);
        journal(raw);
        if (replayer.apply(input))
        {
            inputsApplied++;
        }
    }

    @Override
    public void onTimerEvent(final long correlationId, final long timestamp)
    {
    }

    /**
     * From now on the engine's media commands go to {@code control}: a new leader's own relay, which the engine first
     * gives every endpoint it holds (opened on the same ports, pointed at the same peers, linked as before: media
     * resumes), or {@link MediaControl#NONE} once it no longer leads. Any thread; the engine takes it on the service
     * thread, between two inputs (a fresh cluster's engine once it exists).
     */
    public void mediaTo(final MediaControl control)
    {
        mediaHandOver.set(control);
    }

    @Override
    public int doBackgroundWork(final long nowNs)
    {
        if (engine == null || mediaHandOver.get() == null)
        {
            return 0;
        }
        engine.mediaLive(mediaHandOver.getAndSet(null));
        return 1;
    }

    /** The configuration in force and the engine's state, in chunks; nothing before the engine exists. */
    @Override
    public void onTakeSnapshot(final ExclusivePublication snapshotPublication)
    {
        // The leader's receive side is told: the lag the snapshot makes sheds no new call (docs/overload.md).
        appliedLag.pauseBegins();
        try
        {
            takeSnapshot(snapshotPublication);
        }
        finally
        {
            appliedLag.pauseEnds(System.nanoTime());
        }
    }

    private void takeSnapshot(final ExclusivePublication snapshotPublication)
    {
        final ExpandableArrayBuffer out = new ExpandableArrayBuffer();
        int length = 0;
        if (engine != null)
        {
            final Bytes<?> config = Bytes.allocateElasticOnHeap();
            JournalEncoder.config(config, engineTimeNs, 0, RecordType.CONFIG_IN_FORCE, engine.config());
            final byte[] configBytes = config.toByteArray();
            final byte[] state = EngineSnapshot.take(engine);
            out.putLong(length, engineTimeNs);
            length += Long.BYTES;
            out.putLong(length, inputsApplied);
            length += Long.BYTES;
            out.putInt(length, configBytes.length);
            length += Integer.BYTES;
            out.putBytes(length, configBytes);
            length += configBytes.length;
            out.putInt(length, state.length);
            length += Integer.BYTES;
            out.putBytes(length, state);
            length += state.length;
        }
        for (int at = 0; at < length; at += SNAPSHOT_CHUNK)
        {
            final int chunk = Math.min(SNAPSHOT_CHUNK, length - at);
            while (snapshotPublication.offer(out, at, chunk) < 0)
            {
                cluster.idleStrategy().idle();
            }
        }
        if (journal != null && engine != null)
        {
            // The same point in the member's journal: a restart from this snapshot appends only what follows it.
            journal.snapshot(engine);
        }
        snapshotsTaken++;
    }

    @Override
    public void onNewLeadershipTermEvent(final long leadershipTermId, final long logPosition, final long timestamp,
        final long termBaseLogPosition, final int leaderMemberId, final int logSessionId, final TimeUnit timeUnit,
        final int appVersion)
    {
        this.leadershipTermId = leadershipTermId;
        this.leaderMemberId = leaderMemberId;
    }

    @Override
    public void onRoleChange(final Cluster.Role newRole)
    {
        role = newRole;
        leading = newRole == Cluster.Role.LEADER;
        roles.accept(newRole);
    }

    @Override
    public void onTerminate(final Cluster cluster)
    {
        ended.run();
    }

    /** The engine; null until the log's node-start record (or a snapshot) made it. Service thread only. */
    public Engine engine()
    {
        return engine;
    }

    /** Inputs applied since the log began (a snapshot carries the count on). Service thread only. */
    public long inputsApplied()
    {
        return inputsApplied;
    }

    /** Snapshots this service wrote since it started. */
    public long snapshotsTaken()
    {
        return snapshotsTaken;
    }

    /** This member's role as the service last heard it. */
    public Cluster.Role role()
    {
        return role;
    }

    /** The leader's member id as the last new leadership term gave it; -1 before the first. */
    public int leaderMemberId()
    {
        return leaderMemberId;
    }

    /** The leadership term as the last new leadership term gave it; -1 before the first. */
    public long leadershipTermId()
    {
        return leadershipTermId;
    }

    /** The log position of the last message applied (committed: a service sees only committed log); -1 before. */
    public long appliedPosition()
    {
        return appliedPosition;
    }

    /** How late this engine is behind the receive side of this member while it leads (see {@link AppliedLag}). */
    public AppliedLag appliedLag()
    {
        return appliedLag;
    }

    /** Whether this member leads: its engine's messages reach the network. */
    public boolean leading()
    {
        return leading;
    }

    private boolean sendWhenLeading(final int transport, final InetSocketAddress destination, final long connectionId,
        final DirectBuffer buffer, final int offset, final int length)
    {
        final boolean sent = !leading || network.send(transport, destination, connectionId, buffer, offset, length);
        if (sent && journaling)
        {
            journal.output(engineTimeNs, transport, destination, connectionId, buffer, offset, length);
        }
        return sent;
    }

    /**
     * Appends an applied log message, unless the journal holds it from before a restart; from the first it did not
     * hold, the engine's events and webhook requests go out too.
     */
    private void journal(final byte[] raw)
    {
        if (alreadyJournaled > 0)
        {
            alreadyJournaled--;
            journaling = false;
            return;
        }
        replayGate.goLive();
        journaling = journal != null;
        if (journaling)
        {
            if (restarted)
            {
                restarted = false;
                journal.recovered(engineTimeNs, heldAtStart);
            }
            journal.input(raw);
        }
    }

    private void restore(final Image snapshotImage)
    {
        final ExpandableArrayBuffer in = new ExpandableArrayBuffer();
        final int[] length = {0};
        while (!snapshotImage.isEndOfStream())
        {
            final int fragments = snapshotImage.poll((buffer, offset, chunk, header) ->
            {
                in.putBytes(length[0], buffer, offset, chunk);
                length[0] += chunk;
            }, 16);
            if (fragments == 0)
            {
                if (snapshotImage.isClosed())
                {
                    break;
                }
                cluster.idleStrategy().idle();
            }
        }
        if (length[0] == 0)
        {
            return;
        }
        int at = 0;
        engineTimeNs = in.getLong(at);
        at += Long.BYTES;
        inputsApplied = in.getLong(at);
        at += Long.BYTES;
        final byte[] configBytes = new byte[in.getInt(at)];
        at += Integer.BYTES;
        in.getBytes(at, configBytes);
        at += configBytes.length;
        final byte[] state = new byte[in.getInt(at)];
        at += Integer.BYTES;
        in.getBytes(at, state);
        engine = engines.build(JournalDecoder.decode(configBytes).config, leaderOnly, replayGate, replayGate);
        EngineSnapshot.restore(engine, state);
        replayer = new InputReplayer(engine);
    }
}
