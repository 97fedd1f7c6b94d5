package dev.referee.ops.node;

import dev.referee.ops.admin.ReloadResult;
import dev.referee.ops.config.ConfigLoader;
import dev.referee.ops.config.RefereeConfig;
import dev.referee.ops.interop.OptionsProbe;
import io.aeron.cluster.ClusterControl;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three cluster members in one process, one SIP address (127.0.0.1:{@value #SIP_PORT}): only the leader binds it and
 * answers; when the leader goes, another is elected, binds the address and answers in its place.
 */
class ClusterNodeTest
{
    private static final int SIP_PORT = 25_060;
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final ClusterNode[] nodes = new ClusterNode[3];

    @AfterEach
    void stop()
    {
        for (final ClusterNode node : nodes)
        {
            if (node != null)
            {
                node.close();
            }
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldAnswerOnTheServiceAddressFromTheLeaderAndFromTheNextLeaderOnceItIsLost() throws Exception
    {
        for (int id = 0; id < nodes.length; id++)
        {
            nodes[id] = ClusterNode.start(config(id));
        }
        final long firstAnswerNs = OptionsProbe.answeredWithin(SIP_PORT, ANSWER_WITHIN);
        assertTrue(firstAnswerNs >= 0, "the first leader answers OPTIONS");
        final int leader = leader();
        assertEquals(1, Arrays.stream(nodes).filter(ClusterNode::leading).count(), "one leader");
        for (int id = 0; id < nodes.length; id++)
        {
            // A follower learns of the new term from the log: it may not have yet when the leader first answers.
            final String expected = "\"cluster\":{\"member\":" + id + ",\"role\":\"" +
                (id == leader ? "leader" : "follower") + "\",\"leader\":" + leader + ",";
            final ClusterNode node = nodes[id];
            awaitTrue(() -> getQuietly(node, "/status").contains(expected), "member " + id + " knows the leader");
            final String status = get(nodes[id], "/status");
            assertTrue(status.contains(expected), status);
            final String metrics = get(nodes[id], "/metrics");
            assertTrue(metrics.contains("\nreferee_cluster_leader " + (id == leader ? "1" : "0") + ".0\n") ||
                metrics.contains("\nreferee_cluster_leader " + (id == leader ? "1" : "0") + "\n"), metrics);
            assertTrue(metrics.contains("\nreferee_calls_active "), "a member's /metrics is a node's: " + metrics);
        }

        // A reload of the leader reaches every member's engine through the log; a follower says it cannot.
        for (int id = 0; id < nodes.length; id++)
        {
            writeConfig(id, "sip:\n  max-calls: 77\n");
        }
        final int follower = (leader + 1) % nodes.length;
        final ReloadResult onFollower = nodes[follower].reload();
        assertEquals(ReloadResult.APPLIED, onFollower.status(), onFollower.message());
        assertTrue(onFollower.message().contains("follows"), onFollower.message());
        assertTrue(nodes[leader].service().engine().config().maxCalls() != 77, "a follower's reload reaches no engine");
        final ReloadResult onLeader = nodes[leader].reload();
        assertEquals(ReloadResult.APPLIED, onLeader.status(), onLeader.message());
        for (final ClusterNode node : nodes)
        {
            awaitTrue(() -> node.service().engine().config().maxCalls() == 77, "every member's engine reloaded");
        }
        Files.writeString(dir.resolve("member-" + leader + ".yaml"), Files.readString(dir.resolve("member-" + leader +
            ".yaml")).replace("heartbeat-timeout: 500ms", "heartbeat-timeout: 800ms"));
        final ReloadResult clusterChanged = nodes[leader].reload();
        assertEquals(ReloadResult.NEEDS_RESTART, clusterChanged.status(), clusterChanged.message());
        assertTrue(clusterChanged.message().startsWith("cluster changed"), clusterChanged.message());

        final long lostAtNs = System.nanoTime();
        nodes[leader].close();
        nodes[leader] = null;
        final long answeredAtNs = OptionsProbe.answeredWithin(SIP_PORT, ANSWER_WITHIN);
        assertTrue(answeredAtNs >= 0, "the next leader answers OPTIONS");
        System.out.printf("service back %d ms after the leader was stopped%n",
            TimeUnit.NANOSECONDS.toMillis(answeredAtNs - lostAtNs));
        final int next = leader();
        assertTrue(next != leader, "another member leads");

        // An operator's abort of the cluster (Aeron's control toggle on the leader) ends every member: each node
        // stops waiting and says why, for `referee run` to exit non-zero rather than stay up serving nothing.
        final AtomicCounter toggle = ClusterControl.findControlToggle(
            nodes[next].member().aeronClient().countersReader(), 0);
        assertTrue(ClusterControl.ToggleState.ABORT.toggle(toggle), "abort toggled");
        for (final ClusterNode node : nodes)
        {
            if (node != null)
            {
                awaitTrue(() -> node.failure() != null, "the node learns its member ended");
                assertTrue(node.failure().startsWith("cluster member "), node.failure());
                node.awaitEnd(); // returns: what `referee run` waits on
                assertFalse(node.leading(), "a member that ended leads no more");
            }
        }
    }

    /** {@code GET path} of a member's admin server. */
    private static String get(final ClusterNode node, final String path) throws Exception
    {
        final InetSocketAddress admin = node.adminAddress();
        final HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + admin.getPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return response.body();
    }

    private static String getQuietly(final ClusterNode node, final String path)
    {
        try
        {
            return get(node, path);
        }
        catch (final Exception ex)
        {
            throw new AssertionError(ex);
        }
    }

    private static void awaitTrue(final java.util.function.BooleanSupplier condition, final String what)
    {
        final long deadline = System.nanoTime() + ANSWER_WITHIN.toNanos();
        while (!condition.getAsBoolean())
        {
            assertTrue(System.nanoTime() - deadline < 0, what);
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
    }

    private int leader()
    {
        for (int id = 0; id < nodes.length; id++)
        {
            if (nodes[id] != null && nodes[id].leading())
            {
                return id;
            }
        }
        return -1;
    }

    private RefereeConfig config(final int member) throws Exception
    {
        return ConfigLoader.load(writeConfig(member, ""));
    }

    /** Member {@code member}'s configuration file, with {@code moreYaml} at its end. */
    private Path writeConfig(final int member, final String moreYaml) throws Exception
    {
        final String yaml = "listen:\n  - \"udp:127.0.0.1:" + SIP_PORT + "\"\n" +
            "admin: \"127.0.0.1:0\"\n" +
            "journal:\n  enabled: false\n" +
            "cdr:\n  dir: \"" + dir.resolve("cdr-" + member) + "\"\n" +
            "warm-up:\n  calls: 0\n" +
            "routes:\n  - {user: \".*\", target: \"127.0.0.1:9\"}\n" +
            "cluster:\n  member: " + member + "\n  members:\n" +
            "    - {id: 0, host: \"127.0.0.1\", port-base: 22000}\n" +
            "    - {id: 1, host: \"127.0.0.1\", port-base: 22100}\n" +
            "    - {id: 2, host: \"127.0.0.1\", port-base: 22200}\n" +
            "  dir: \"" + dir.resolve("member-" + member) + "\"\n  heartbeat-timeout: 500ms\n" + moreYaml;
        return Files.writeString(dir.resolve("member-" + member + ".yaml"), yaml);
    }
}
