package dev.referee.ops.cluster;

import dev.referee.config.ConfigException;
import dev.referee.config.ConfigSection;
import dev.referee.ops.config.ConfigLoader;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterConfigTest
{
    private static final String THREE_MEMBERS = """
        cluster:
          member: 1
          members:
            - {id: 0, host: "127.0.0.1", port-base: 20000}
            - {id: 1, host: "127.0.0.1", port-base: 20100}
            - {id: 2, host: "127.0.0.1", port-base: 20200}
          dir: "./data/cluster-1"
          heartbeat-timeout: 750ms
        """;

    @Test
    void shouldRunAloneWithoutAClusterSection() throws Exception
    {
        final ClusterConfig cluster = ConfigLoader.parse("", "empty.yaml").cluster();
        assertFalse(cluster.enabled());
        assertEquals(ClusterConfig.NONE, cluster);
    }

    @Test
    void shouldTickEveryFiftyMillisecondsAloneAndInAMemberUnlessTheConfigurationSaysOtherwise() throws Exception
    {
        assertEquals(50, ConfigLoader.parse("", "alone.yaml").pipeline().tickIntervalMs());
        assertEquals(50, ConfigLoader.parse("listen:\n  - \"udp:127.0.0.1:5060\"\n" + THREE_MEMBERS, "node1.yaml")
            .pipeline().tickIntervalMs());
        assertEquals(20, ConfigLoader.parse("listen:\n  - \"udp:127.0.0.1:5060\"\npipeline:\n  tick-ms: 20\n" +
            THREE_MEMBERS, "node1.yaml").pipeline().tickIntervalMs());
    }

    @Test
    void shouldRefuseAMemberWhoseListenPortIsChosenBySystem()
    {
        final ConfigException ex = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
            "listen:\n  - \"udp:127.0.0.1:0\"\n" + THREE_MEMBERS, "node1.yaml"));
        assertEquals("listen", ex.keyPath());
        assertEquals(2, ex.line());
        assertEquals("a cluster member needs its listen ports given, not 0: every member binds the same ones when it " +
            "leads", ex.reason());
    }

    @Test
    void shouldReadTheIssuesExampleAndDescribeTheMembersForAeron() throws Exception
    {
        final ClusterConfig cluster = read(THREE_MEMBERS);

        assertTrue(cluster.enabled());
        assertEquals(1, cluster.member());
        assertEquals(new ClusterConfig.Member(1, "127.0.0.1", 20100), cluster.self());
        assertEquals(Path.of("./data/cluster-1"), cluster.dir());
        assertEquals(750, cluster.heartbeatTimeoutMs());
        assertEquals("0,127.0.0.1:20000,127.0.0.1:20001,127.0.0.1:20002,127.0.0.1:20003,127.0.0.1:20004|" +
            "1,127.0.0.1:20100,127.0.0.1:20101,127.0.0.1:20102,127.0.0.1:20103,127.0.0.1:20104|" +
            "2,127.0.0.1:20200,127.0.0.1:20201,127.0.0.1:20202,127.0.0.1:20203,127.0.0.1:20204",
            cluster.aeronClusterMembers());
        assertEquals("0=127.0.0.1:20000,1=127.0.0.1:20100,2=127.0.0.1:20200", cluster.ingressEndpoints());
    }

    @Test
    void shouldDefaultTheDirectoryAndTheHeartbeatTimeout() throws Exception
    {
        final ClusterConfig cluster = read("""
            cluster:
              member: 0
              members:
                - {id: 0, host: "10.0.0.1", port-base: 20000}
                - {id: 1, host: "10.0.0.2", port-base: 20000}
                - {id: 2, host: "10.0.0.3", port-base: 20000}
            """);

        assertEquals(Path.of("./data/cluster"), cluster.dir());
        assertEquals(500, cluster.heartbeatTimeoutMs());
        assertEquals(List.of(0, 1, 2), cluster.members().stream().map(ClusterConfig.Member::id).toList());
    }

    @Test
    void shouldRejectBadClustersNamingKeyAndLine()
    {
        assertError("cluster:\n  member: 0\n  members:\n    - {id: 0, host: \"127.0.0.1\", port-base: 20000}\n" +
            "    - {id: 1, host: \"127.0.0.1\", port-base: 20100}\n", 4, "cluster.members",
            "a cluster needs 3 to 7 members (got 2): two cannot elect a leader once one is lost");
        assertError(THREE_MEMBERS.replace("member: 1", "member: 3"), 2, "cluster.member",
            "member 3 is not one of cluster.members' ids [0, 1, 2]");
        assertError(THREE_MEMBERS.replace("  member: 1\n", ""), 2, "cluster.member", "required");
        assertError(THREE_MEMBERS.replace("{id: 2,", "{id: 1,"), 6, "cluster.members[2]",
            "member id 1 is listed twice");
        assertError(THREE_MEMBERS.replace("port-base: 20100", "port-base: 20003"), 5, "cluster.members[1]",
            "port-base 20003 overlaps member 0's ports on 127.0.0.1 (each member uses 5 ports from its base)");
        assertError(THREE_MEMBERS.replace("port-base: 20200", "port-base: 65535"), 6,
            "cluster.members[2].port-base", "must be between 1 and 65531 (got 65535)");
        assertError(THREE_MEMBERS.replace("\"127.0.0.1\", port-base: 20200", "\"::1\", port-base: 20200"), 6,
            "cluster.members[2].host", "expected a host name or address, an IPv6 address in brackets (got '::1')");
        assertError(THREE_MEMBERS.replace("{id: 2, host", "{id: 2, name: \"c\", host"), 6,
            "cluster.members[2].name", "unknown key");
        assertError(THREE_MEMBERS.replace("750ms", "50ms"), 8, "cluster.heartbeat-timeout", "must be at least 100ms");
        assertError(THREE_MEMBERS.replace("dir:", "data-dir:"), 7, "cluster.data-dir", "unknown key");
    }

    private static ClusterConfig read(final String yaml) throws ConfigException
    {
        return ClusterConfig.read(ConfigSection.document(new StringReader(yaml), "test.yaml").get("cluster"));
    }

    private static void assertError(final String yaml, final int line, final String path, final String reason)
    {
        final ConfigException ex = assertThrows(ConfigException.class, () -> read(yaml));
        assertEquals(path, ex.keyPath(), () -> "path of: " + ex.getMessage());
        assertEquals(reason, ex.reason(), () -> "reason of: " + ex.getMessage());
        assertEquals(line, ex.line(), () -> "line of: " + ex.getMessage());
    }
}
