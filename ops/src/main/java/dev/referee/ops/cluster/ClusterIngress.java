package dev.referee.ops.cluster;

import dev.referee.journal.RecordSink;
import io.aeron.Aeron;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.client.EgressListener;
import net.openhft.chronicle.bytes.Bytes;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Inputs into the cluster's log: a cluster client ({@link AeronCluster}) that offers each input record, encoded as
 * the journal encodes it, to the leader, where the consensus module appends it to the log that every member's
 * {@link ReplicatedEngine} applies. As a {@link RecordSink} it takes the place of the journal in the leader's inbound
 * stage ({@code JournalInputStage}): the receive side encodes each input once, for the log. One thread.
 */
public final class ClusterIngress implements RecordSink, AutoCloseable
{
    /**
     * How long an input is offered before it is given up: the log is back-pressured, or the leader is gone and the
     * others elect a new one (a heartbeat timeout and an election). Meanwhile the inbound ring fills and the receive
     * side sheds new calls, as under any overload.
     */
    private static final long OFFER_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(3);
    private static final long RETRY_PAUSE_NS = TimeUnit.MICROSECONDS.toNanos(100);
    /** The service sends clients nothing; the egress carries only session and leader events, read by the client. */
    private static final EgressListener IGNORE_EGRESS = (clusterSessionId, timestamp, buffer, offset, length, header) ->
    {
    };

    private final AeronCluster client;
    private final Bytes<?> bytes = Bytes.allocateElasticOnHeap(4096);
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[0]);
    private long refused;
    private volatile boolean abandoned;

    private ClusterIngress(final AeronCluster client)
    {
        this.client = client;
    }

    /**
     * Connects to this member's own consensus module over IPC, through {@code aeron}, a client of its media driver
     * made beforehand (starting one took most of a new leader's time to connect): for the node of a member that has
     * just been elected (a leader takes IPC ingress, docs/failover.md). Blocks until
     * connected; should the member lose its lead, its offers are refused and the node closes this client.
     */
    public static ClusterIngress connectToOwnLeader(final Aeron aeron)
    {
        return new ClusterIngress(AeronCluster.connect(new AeronCluster.Context()
            .aeron(aeron)
            .ownsAeronClient(false)
            .ingressChannel("aeron:ipc?term-length=" + ClusterMember.LOG_TERM_LENGTH)
            .egressChannel("aeron:ipc")
            .egressListener(IGNORE_EGRESS)
            .messageTimeoutNs(TimeUnit.SECONDS.toNanos(5))));
    }

    /** Connects to the cluster's leader, wherever it is, through the media driver in {@code aeronDirectory}; blocks until connected. */
    public static ClusterIngress connect(final ClusterConfig config, final String aeronDirectory)
    {
        return new ClusterIngress(AeronCluster.connect(new AeronCluster.Context()
            .aeronDirectoryName(aeronDirectory)
            .ingressChannel("aeron:udp?term-length=1m")
            .ingressEndpoints(config.ingressEndpoints())
            .egressChannel("aeron:udp?endpoint=" + config.self().host() + ":0")
            .egressListener(IGNORE_EGRESS)
            .messageTimeoutNs(TimeUnit.SECONDS.toNanos(5))));
    }

    @Override
    public Bytes<?> begin()
    {
        bytes.clear();
        return bytes;
    }

    /**
     * Offers the record written since {@link #begin()} straight from the bytes' own array: no copy per input.
     *
     * @throws IllegalStateException when the log refused it for {@link #OFFER_TIMEOUT_NS}: the inbound stage then does
     *                               not count the input as taken, and a request gets 503 with Retry-After.
     */
    @Override
    public void commit()
    {
        final int length = (int)bytes.writePosition();
        out.wrap((byte[])bytes.underlyingObject(), 0, length);
        if (!offer(out, length))
        {
            throw new IllegalStateException("the cluster's log refused the input for " +
                TimeUnit.NANOSECONDS.toMillis(OFFER_TIMEOUT_NS) + " ms (back-pressured, or no leader)");
        }
    }

    /** This client's session in the cluster: the service sees it on every input offered here. */
    public long clusterSessionId()
    {
        return client.clusterSessionId();
    }

    @Override
    public void abort()
    {
        bytes.clear();
    }

    /**
     * Offers one encoded record, retrying while the log is back-pressured (and following a leader change: the client
     * learns the new leader from its egress); false when it was refused for {@link #OFFER_TIMEOUT_NS}.
     */
    public boolean offer(final byte[] record)
    {
        out.wrap(record);
        return offer(out, record.length);
    }

    private boolean offer(final UnsafeBuffer record, final int length)
    {
        final long deadlineNs = System.nanoTime() + OFFER_TIMEOUT_NS;
        while (client.offer(record, 0, length) < 0)
        {
            client.pollEgress();
            if (abandoned || System.nanoTime() - deadlineNs > 0)
            {
                refused++;
                return false;
            }
            LockSupport.parkNanos(RETRY_PAUSE_NS);
        }
        return true;
    }

    /**
     * Gives up every offer under way and to come, at once, from any thread: this member lost its lead, so its own
     * consensus module will append nothing more, and an inbound stage retrying for {@link #OFFER_TIMEOUT_NS} per input
     * would hold the pipeline, and with it the SIP addresses the next leader must bind, for as long (a leader stopped
     * 2 s held them 8 s after it woke, 2026-12-05).
     */
    public void abandon()
    {
        abandoned = true;
    }

    /** Keeps the session open and follows leader changes; call it regularly (at least every second) when idle. */
    public void poll()
    {
        client.pollEgress();
        client.sendKeepAlive();
    }

    /**
     * The member this client offers to, as it last learnt from its egress. Until a new leader's event reaches it, a
     * client keeps offering to the old one, and what it offers to a dead leader is lost: SIP's retransmissions bring it
     * again (docs/failover.md).
     */
    public int leaderMemberId()
    {
        return client.leaderMemberId();
    }

    /** Inputs given up on (see {@link #offer}). */
    public long refused()
    {
        return refused;
    }

    @Override
    public void close()
    {
        client.close();
    }
}
