package dev.referee.ops.cli;

import dev.referee.config.ListenAddress;
import dev.referee.ops.admin.ReloadResult;
import dev.referee.ops.config.RefereeConfig;
import dev.referee.ops.node.ClusterNode;
import dev.referee.ops.node.RefereeNode;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * Starts a node from a configuration. {@code referee run} uses {@link #REFEREE_NODE}; the seam exists so that the
 * command's own behaviour (messages, exit codes, bind failures) is tested without binding real SIP ports.
 */
@FunctionalInterface
public interface NodeLauncher
{
    /** The real node. */
    NodeLauncher REFEREE_NODE = (config) ->
    {
        if (config.cluster().enabled())
        {
            return clusterMember(config);
        }
        final RefereeNode node = RefereeNode.start(config);
        return new RunningNode()
        {
            @Override
            public List<ListenAddress> boundAddresses()
            {
                return node.boundAddresses();
            }

            @Override
            public InetSocketAddress adminAddress()
            {
                return node.adminAddress();
            }

            @Override
            public ReloadResult reload()
            {
                return node.reload();
            }

            @Override
            public void awaitClose() throws InterruptedException
            {
                node.awaitClose();
            }

            @Override
            public void close()
            {
                node.close();
            }
        };
    };

    /**
     * A member of a cluster (docs/failover.md): it binds the SIP addresses only while it leads; admin HTTP on every
     * member; a reload of the leader reaches every member's engine.
     */
    private static RunningNode clusterMember(final RefereeConfig config) throws Exception
    {
        final ClusterNode node = ClusterNode.start(config);
        return new RunningNode()
        {
            @Override
            public List<ListenAddress> boundAddresses()
            {
                return config.listen();
            }

            @Override
            public InetSocketAddress adminAddress()
            {
                return node.adminAddress();
            }

            @Override
            public ReloadResult reload()
            {
                return node.reload();
            }

            @Override
            public void awaitClose() throws InterruptedException
            {
                node.awaitEnd();
            }

            @Override
            public String failure()
            {
                return node.failure();
            }

            @Override
            public void close()
            {
                node.close();
            }
        };
    }

    /** Binds every address and starts every thread; throws (a BindException among the causes) when it cannot. */
    RunningNode start(RefereeConfig config) throws Exception;
}
