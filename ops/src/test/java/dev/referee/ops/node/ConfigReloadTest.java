package dev.referee.ops.node;

import dev.referee.config.ConfigException;
import dev.referee.config.ListenAddress;
import dev.referee.ops.config.ConfigLoader;
import dev.referee.ops.config.RefereeConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What a reload may change while the node runs, and what it names when a file changes more. */
class ConfigReloadTest
{
    private static final String BASE = """
        listen: ["udp:127.0.0.1:5060"]
        routes:
          - user: "bob"
            target: "127.0.0.1:5062"
        trunks:
          - name: "pbx"
            sources: ["127.0.0.1"]
        """;

    private static RefereeConfig parse(final String yaml) throws ConfigException
    {
        return ConfigLoader.parse(yaml, "test.yaml");
    }

    @Test
    void shouldLetRoutesTrunksLimitsAndPoliciesChange() throws Exception
    {
        final RefereeConfig next = parse(BASE.replace("routes:\n", "routes:\n  - user: \"carol\"\n    target: " +
            "\"127.0.0.1:5064\"\n") + """
              - name: "carrier"
                sources: ["127.0.0.2"]
                limits:
                  calls: 10
            sip:
              max-calls: 500
            security:
              unknown-sources: drop
            transfer:
              ring-timeout: 20s
            admin-token: "0123456789abcdefXYZ"
            """);
        assertNull(ConfigReload.needsRestart(parse(BASE), next, List.of(), null));
    }

    @Test
    void shouldNameTheFirstKeyThatNeedsARestart() throws Exception
    {
        assertEquals("listen", needsRestart(BASE.replace("5060", "5070")));
        assertEquals("sip.t1-ms", needsRestart(BASE + "sip:\n  t1-ms: 250\n"));
        assertEquals("security.flood", needsRestart(BASE + "security:\n  flood:\n    rate: 5\n"));
        assertEquals("tcp", needsRestart(BASE + "tcp:\n  max-connections: 5\n"));
        assertEquals("media", needsRestart(BASE + "media:\n  ports: \"40000-40099\"\n"));
    }

    @Test
    void shouldTakeTheBoundPortForAFilesPortZero() throws Exception
    {
        final RefereeConfig running = parse(BASE.replace("5060", "0"));
        final List<ListenAddress> bound = parse(BASE).listen();
        assertNull(ConfigReload.needsRestart(running, parse(BASE), bound, null), "the port it chose, now in the file");
        assertEquals("listen", ConfigReload.needsRestart(running, parse(BASE.replace("5060", "5090")), bound, null));
    }

    private static String needsRestart(final String next) throws ConfigException
    {
        return ConfigReload.needsRestart(parse(BASE), parse(next), List.of(), null);
    }

    @Test
    void shouldRefuseAShortAdminTokenWithItsLine()
    {
        final ConfigException ex = assertThrows(ConfigException.class, () -> parse(BASE + "admin-token: short\n"));
        assertEquals(8, ex.line());
        assertEquals("admin-token", ex.keyPath());
    }
}
