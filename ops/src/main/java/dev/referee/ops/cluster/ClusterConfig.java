package dev.referee.ops.cluster;

import dev.referee.config.ConfigException;
import dev.referee.config.ConfigSection;
import dev.referee.config.ConfigValue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code cluster} section (issue 9, docs/failover.md): this node is one member of an Aeron Cluster that
 * replicates the engine's inputs. Absent, the node runs alone, as it always did ({@link #NONE}).
 * <pre>
 * cluster:
 *   member: 0
 *   members:
 *     - {id: 0, host: "127.0.0.1", port-base: 20000}
 *     - {id: 1, host: "127.0.0.1", port-base: 20100}
 *     - {id: 2, host: "127.0.0.1", port-base: 20200}
 *   dir: "./data/cluster"
 *   heartbeat-timeout: 500ms
 * </pre>
 *
 * @param member             {@code cluster.member}: this node's id, one of the members'.
 * @param members            {@code cluster.members}: every member, this one included, each with its own ports.
 * @param dir                {@code cluster.dir}: this member's Aeron archive and cluster state.
 * @param heartbeatTimeoutMs {@code cluster.heartbeat-timeout}: a leader silent for this long is considered dead.
 */
public record ClusterConfig(int member, List<Member> members, Path dir, long heartbeatTimeoutMs)
{
    /** No cluster: a single node. */
    public static final ClusterConfig NONE = new ClusterConfig(-1, List.of(), null, 0);

    static final String DEFAULT_DIR = "./data/cluster";
    static final long DEFAULT_HEARTBEAT_TIMEOUT_MS = 500;
    /** Below this a busy machine's scheduling hiccup starts an election; above, a dead leader costs that long. */
    private static final long MIN_HEARTBEAT_TIMEOUT_MS = 100;
    private static final long MAX_HEARTBEAT_TIMEOUT_MS = 60_000;
    private static final int MAX_MEMBERS = 7;

    /**
     * One member of the cluster: its id, the host its peers and the SIP nodes reach it at, and the first of its
     * {@link #PORTS} consecutive ports.
     */
    public record Member(int id, String host, int portBase)
    {
        /** Ports a member uses from its port base: ingress, consensus, log, catch-up, archive control. */
        public static final int PORTS = 5;
        static final int INGRESS = 0;
        static final int CONSENSUS = 1;
        static final int LOG = 2;
        static final int CATCH_UP = 3;
        static final int ARCHIVE_CONTROL = 4;

        /** {@code host:port} of the port {@code offset} above the base. */
        String endpoint(final int offset)
        {
            return host + ":" + (portBase + offset);
        }
    }

    /** Whether this node is a member of a cluster (the {@code cluster} section is present). */
    public boolean enabled()
    {
        return member >= 0;
    }

    /** This node's own entry of {@link #members}. */
    public Member self()
    {
        return members.stream().filter(m -> m.id() == member).findFirst().orElseThrow();
    }

    /**
     * Aeron's description of the members ({@code ConsensusModule.Context.clusterMembers}):
     * {@code id,ingress,consensus,log,catchup,archive|...}.
     */
    public String aeronClusterMembers()
    {
        final StringBuilder text = new StringBuilder();
        for (final Member m : members)
        {
            text.append(m.id()).append(',').append(m.endpoint(Member.INGRESS)).append(',')
                .append(m.endpoint(Member.CONSENSUS)).append(',').append(m.endpoint(Member.LOG)).append(',')
                .append(m.endpoint(Member.CATCH_UP)).append(',').append(m.endpoint(Member.ARCHIVE_CONTROL)).append('|');
        }
        text.setLength(text.length() - 1);
        return text.toString();
    }

    /** Where a cluster client finds the members ({@code AeronCluster.Context.ingressEndpoints}): {@code id=host:port,...}. */
    public String ingressEndpoints()
    {
        final StringBuilder text = new StringBuilder();
        for (final Member m : members)
        {
            text.append(m.id()).append('=').append(m.endpoint(Member.INGRESS)).append(',');
        }
        text.setLength(text.length() - 1);
        return text.toString();
    }

    /**
     * The {@code cluster} section; {@link #NONE} when {@code value} is null (absent). Three members at least (a
     * cluster of two cannot elect a leader once it has lost one), ids unique, ports of members on one host not
     * overlapping.
     */
    public static ClusterConfig read(final ConfigValue value) throws ConfigException
    {
        if (value == null)
        {
            return NONE;
        }
        final ConfigSection section = value.section();
        section.allowOnly("member", "members", "dir", "heartbeat-timeout");
        final List<ConfigValue> items = section.require("members").items();
        if (items.size() < 3 || items.size() > MAX_MEMBERS)
        {
            throw section.require("members").error("a cluster needs 3 to " + MAX_MEMBERS + " members (got " +
                items.size() + "): two cannot elect a leader once one is lost");
        }
        final List<Member> members = new ArrayList<>();
        final Set<Integer> ids = new HashSet<>();
        for (final ConfigValue item : items)
        {
            final Member member = member(item.section());
            if (!ids.add(member.id()))
            {
                throw item.error("member id " + member.id() + " is listed twice");
            }
            for (final Member other : members)
            {
                if (other.host().equals(member.host()) &&
                    Math.abs(other.portBase() - member.portBase()) < Member.PORTS)
                {
                    throw item.error("port-base " + member.portBase() + " overlaps member " + other.id() +
                        "'s ports on " + member.host() + " (each member uses " + Member.PORTS + " ports from its base)");
                }
            }
            members.add(member);
        }
        final int self = section.require("member").integer(0, Integer.MAX_VALUE);
        if (!ids.contains(self))
        {
            throw section.require("member").error("member " + self + " is not one of cluster.members' ids " + ids);
        }
        final long heartbeatTimeoutMs = section.durationMs("heartbeat-timeout", DEFAULT_HEARTBEAT_TIMEOUT_MS,
            MAX_HEARTBEAT_TIMEOUT_MS);
        if (heartbeatTimeoutMs < MIN_HEARTBEAT_TIMEOUT_MS)
        {
            throw section.require("heartbeat-timeout").error("must be at least " + MIN_HEARTBEAT_TIMEOUT_MS + "ms");
        }
        return new ClusterConfig(self, List.copyOf(members), section.path("dir", DEFAULT_DIR), heartbeatTimeoutMs);
    }

    private static Member member(final ConfigSection item) throws ConfigException
    {
        item.allowOnly("id", "host", "port-base");
        final int id = item.require("id").integer(0, Integer.MAX_VALUE);
        final ConfigValue hostValue = item.require("host");
        final String host = hostValue.nonEmptyText();
        // Aeron's member and endpoint lists are split on these; an IPv6 literal needs its brackets to keep its port.
        if (host.chars().anyMatch(c -> c <= ' ' || c == ',' || c == '|' || c == '=' || c == '/') ||
            (host.indexOf(':') >= 0 && !(host.startsWith("[") && host.endsWith("]"))))
        {
            throw hostValue.error("expected a host name or address, an IPv6 address in brackets (got '" + host + "')");
        }
        final int portBase = item.require("port-base").integer(1, 65_535 - Member.PORTS + 1);
        return new Member(id, host, portBase);
    }
}
