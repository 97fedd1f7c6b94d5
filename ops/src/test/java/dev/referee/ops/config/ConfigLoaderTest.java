package dev.referee.ops.config;

import dev.referee.cdr.CdrConfig;
import dev.referee.config.AddressSyntax;
import dev.referee.config.Cidr;
import dev.referee.capture.HepConfig;
import dev.referee.config.ConfigException;
import dev.referee.config.ListenAddress;
import dev.referee.engine.config.MediaConfig;
import dev.referee.engine.config.OnTransferFailure;
import dev.referee.engine.config.RedirectConfig;
import dev.referee.engine.config.Route;
import dev.referee.engine.config.RouteTarget;
import dev.referee.engine.config.SipConfig;
import dev.referee.engine.config.TransferConfig;
import dev.referee.engine.config.TransferMode;
import dev.referee.engine.config.TrunkCallPolicy;
import dev.referee.engine.config.TrunkConfig;
import dev.referee.engine.config.TrunkHeaderPolicy;
import dev.referee.engine.config.TrunkTransferPolicy;
import dev.referee.engine.config.WebhookConfig;
import dev.referee.journal.JournalConfig;
import dev.referee.journal.JournalRoll;
import dev.referee.journal.OutputRecords;
import dev.referee.ops.cluster.ClusterConfig;
import dev.referee.ops.log.LogLevel;
import dev.referee.ops.log.LoggingConfig;
import dev.referee.pipeline.PipelineConfig;
import dev.referee.transport.FloodConfig;
import dev.referee.transport.OverloadConfig;
import dev.referee.transport.SecurityConfig;
import dev.referee.transport.TcpConfig;
import dev.referee.transport.Transport;
import dev.referee.transport.UnknownSources;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest
{
    @Test
    void shouldServeEmbeddedDefaultWhenNoFileIsGiven() throws Exception
    {
        final RefereeConfig config = ConfigLoader.load(null);

        assertEquals(List.of(
            new ListenAddress(Transport.UDP, address("127.0.0.1", 5060)),
            new ListenAddress(Transport.TCP, address("127.0.0.1", 5060))), config.listen());
        assertEquals(address("127.0.0.1", 8060), config.admin());
        assertTrue(config.routes().isEmpty());
        assertEquals(Path.of("./data/journal"), config.journalDir());
        assertEquals(PipelineConfig.defaults(), config.pipeline());
        assertEquals(SipConfig.defaults(), config.sip());
        assertEquals(JournalConfig.defaults(), config.journal());
        assertEquals(TransferConfig.defaults(), config.transfer());
        assertEquals(RedirectConfig.defaults(), config.redirect());
        // A fresh machine keeps working with the border on: loopback is the one trusted trunk.
        assertEquals(1, config.trunks().size());
        final TrunkConfig local = config.trunks().get(0);
        assertEquals("local", local.name());
        assertEquals(List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1")), local.sources());
        assertEquals(TrunkTransferPolicy.defaults(), local.transfer());
        assertEquals(new SecurityConfig(UnknownSources.REJECT,
            FloodConfig.defaults(), List.of("local")), config.security());
        assertEquals(TcpConfig.defaults(), config.tcp());
        assertEquals(WebhookConfig.defaults(), config.webhook());
        assertEquals(CdrConfig.defaults(), config.cdr());
    }

    @Test
    void shouldTakeDefaultsForEveryKeyOfAnEmptyDocument() throws Exception
    {
        final RefereeConfig empty = ConfigLoader.parse("", "empty.yaml");
        final RefereeConfig embedded = ConfigLoader.loadDefault();

        // The same as the embedded default, apart from its local trunk and what that trunk switches on.
        assertEquals(new RefereeConfig(embedded.listen(), embedded.routes(), embedded.journalDir(), embedded.admin(),
            embedded.pipeline(), embedded.sip(), embedded.journal(), embedded.transfer(), embedded.redirect(), List.of(),
            embedded.webhook(), embedded.cdr(), embedded.warmUp(), embedded.overload(), SecurityConfig.defaults(false),
            embedded.tcp(), null, embedded.logging(), HepConfig.OFF, MediaConfig.defaults(), ClusterConfig.NONE, null, null),
            empty);
        assertEquals(SecurityConfig.defaults(false), empty.security());
        assertEquals(UnknownSources.ALLOW, empty.security().unknownSources());
        assertFalse(empty.security().flood().enabled());
    }

    @Test
    void shouldReadSecurityAndTcpSections() throws Exception
    {
        final RefereeConfig config = ConfigLoader.parse(
            "trunks:\n  - {name: pbx, sources: [\"10.0.0.0/8\"]}\n  - {name: carrier, sources: [\"192.0.2.1\"], " +
            "flood: false}\nsecurity:\n  unknown-sources: drop\n  flood: {rate: 50, burst: 120, block: 2m}\n" +
            "tcp:\n  max-connections: 2000\n  idle-timeout: 5m\n  read-timeout: 3s\n", "t");

        assertEquals(new SecurityConfig(UnknownSources.DROP,
            new FloodConfig(50, 120, 120_000), List.of("carrier")), config.security());
        assertEquals(new TcpConfig(2000, 300_000, 3_000), config.tcp());
    }

    @Test
    void shouldTurnTheBorderOnWithTheFirstTrunkUnlessTold() throws Exception
    {
        final RefereeConfig withTrunk = ConfigLoader.parse("trunks:\n  - {name: a, sources: [\"10.0.0.1\"]}\n", "t");
        assertEquals(UnknownSources.REJECT, withTrunk.security().unknownSources());
        assertEquals(FloodConfig.defaults(), withTrunk.security().flood());

        final RefereeConfig off = ConfigLoader.parse("trunks:\n  - {name: a, sources: [\"10.0.0.1\"]}\n" +
            "security:\n  unknown-sources: allow\n  flood: off\n", "t");
        assertEquals(UnknownSources.ALLOW, off.security().unknownSources());
        assertEquals(FloodConfig.OFF, off.security().flood());

        // Flood control asked for without trunks; a burst left out is at least the rate.
        final RefereeConfig noTrunks = ConfigLoader.parse("security:\n  flood: {rate: 1000}\n", "t");
        assertEquals(UnknownSources.ALLOW, noTrunks.security().unknownSources());
        assertEquals(new FloodConfig(1000, 1000, 60_000), noTrunks.security().flood());
    }

    @Test
    void shouldRejectBadSecurityAndTcpValues()
    {
        assertError("security:\n  unknown-sources: deny\n", 2, "security.unknown-sources",
            "expected one of reject, drop, allow (got 'deny')");
        assertError("security:\n  flood: sometimes\n", 2, "security.flood",
            "expected off or a mapping of rate, burst, block (got 'sometimes')");
        assertError("security:\n  flood:\n    rate: 0\n", 3, "security.flood.rate",
            "must be between 1 and 1000000 (got 0)");
        assertError("security:\n  flood:\n    rate: 100\n    burst: 10\n", 4, "security.flood.burst",
            "burst must be at least rate (10 < 100)");
        assertError("security:\n  flood:\n    block: forever\n", 3, "security.flood.block",
            "bad duration 'forever': expected a whole number with ms, s, m or h, e.g. 500ms, 32s, 2m");
        assertError("security:\n  flood:\n    period: 1s\n", 3, "security.flood.period", "unknown key");
        assertError("security:\n  pike: on\n", 2, "security.pike", "unknown key");
        assertError("tcp:\n  max-connections: 0\n", 2, "tcp.max-connections",
            "must be between 1 and 1000000 (got 0)");
        assertError("tcp:\n  read-timeout: 2h\n", 2, "tcp.read-timeout", "duration '2h' out of range 1ms..3600s");
        assertError("tcp:\n  idle-timeout: 0s\n", 2, "tcp.idle-timeout", "duration '0s' out of range 1ms..86400s");
        assertError("trunks:\n  - name: a\n    sources: [\"10.0.0.1\"]\n    flood: maybe\n", 4, "trunks[0].flood",
            "expected true or false");
    }

    /** The test certificates of proxy-core (make-certificates.sh there), from the ops module. */
    private static final Path TLS = Path.of("..", "proxy-core", "src", "test", "resources", "tls").toAbsolutePath();

    private static String tlsSection(final String certificate, final String key, final String more)
    {
        return "tls:\n  certificate: \"" + TLS.resolve(certificate) + "\"\n  key: \"" + TLS.resolve(key) + "\"\n" + more;
    }

    @Test
    void shouldReadTheTlsSectionWithATlsAddressAndTarget() throws Exception
    {
        final RefereeConfig config = ConfigLoader.parse(
            "listen: [\"udp:127.0.0.1:5060\", \"tls:127.0.0.1:5061\"]\n" +
            "routes:\n  - user: teams\n    target: \"127.0.0.2:5061;transport=tls\"\n" +
            tlsSection("server.pem", "server.key", "  ca: \"" + TLS.resolve("ca.pem") + "\"\n  verify-peer: false\n" +
                "  protocols: [tlsv1.3]\n"), "t");

        assertEquals(new ListenAddress(Transport.TLS, address("127.0.0.1", 5061)), config.listen().get(1));
        assertEquals(Transport.TLS, config.routes().get(0).transport());
        assertEquals(TLS.resolve("ca.pem"), config.tls().ca());
        assertFalse(config.tls().verifyPeer());
        assertEquals(List.of("TLSv1.3"), config.tls().protocols());
        assertNull(ConfigLoader.parse("", "t").tls(), "no tls section, no TLS");
        assertTrue(ConfigLoader.parse(tlsSection("server.pem", "server.key", ""), "t").tls().verifyPeer(),
            "peers verified unless said otherwise");
    }

    @Test
    void shouldRejectTlsThatCannotWork()
    {
        assertError("listen: [\"tls:127.0.0.1:5061\"]\n", 1, "listen",
            "a tls: address needs the tls section (certificate and key)");
        assertError("listen: [\"udp:127.0.0.1:5060\"]\nroutes:\n  - user: a\n    target: \"10.0.0.1:5061;transport=tls\"\n" +
            tlsSection("server.pem", "server.key", ""), 3, "routes",
            "a transport=tls target needs a tls: listen address (its Via and Contact name it)");
        assertError("listen: [\"tcp:127.0.0.1:5060\", \"tls:127.0.0.1:5060\"]\n", 1, "listen[1]",
            "tcp and tls cannot listen on the same address and port");
        assertError("tls:\n  key: \"" + TLS.resolve("server.key") + "\"\n", 2, "tls.certificate", "required");
        assertError(tlsSection("server.pem", "client.key", ""), 3, "tls.key",
            "the key is not the private key of the certificate CN=localhost");
        assertError(tlsSection("server.pem", "server.pem", ""), 3, "tls.key",
            TLS.resolve("server.pem") + " holds no PEM private key (BEGIN PRIVATE KEY)");
        assertError(tlsSection("missing.pem", "server.key", ""), 2, "tls.certificate",
            "cannot read " + TLS.resolve("missing.pem") + ": " + TLS.resolve("missing.pem"));
        assertError(tlsSection("server.pem", "server.key", "  protocols: [SSLv3]\n"), 4, "tls.protocols[0]",
            "protocol must be one of [TLSv1.2, TLSv1.3]");
    }

    @Test
    void shouldReadEveryKeyOfAFullFile() throws Exception
    {
        final RefereeConfig config = ConfigLoader.load(Path.of("src/test/resources/config/full.yaml"));

        assertEquals(List.of(
            new ListenAddress(Transport.UDP, address("0.0.0.0", 5070)),
            new ListenAddress(Transport.TCP, address("::1", 5071))), config.listen());

        assertEquals(2, config.routes().size());
        final Route bob = config.routes().get(0);
        assertTrue(bob.user().matcher("bob").matches());
        assertEquals(address("127.0.0.1", 5062), bob.target());
        assertEquals(Transport.UDP, bob.transport());
        final Route e164 = config.routes().get(1);
        assertTrue(e164.user().matcher("+12125551234").matches());
        assertEquals(address("::1", 5070), e164.target());
        assertEquals(Transport.TCP, e164.transport());

        assertEquals(Path.of("/var/lib/referee/journal"), config.journalDir());
        assertEquals(new JournalConfig(JournalRoll.HOURLY, 48, 120_000, true, 250_000, OutputRecords.DIGEST),
            config.journal());
        assertEquals(address("0.0.0.0", 9090), config.admin());
        assertEquals(new PipelineConfig(4096, 2048, "sleeping", 5, PipelineConfig.UdpSend.SEND_THREAD,
            PipelineConfig.UdpSyscalls.PER_DATAGRAM, PipelineConfig.UdpReceive.RECEIVE_THREAD), config.pipeline());
        assertEquals(new SipConfig(250, 2000, 2500, 5000, "Referee-test"), config.sip());
        assertEquals(
            new TransferConfig(200, 10_000, 500, OnTransferFailure.HANGUP), config.transfer());
        assertEquals(3, config.redirect().max());
        assertEquals(750, config.webhook().timeoutMs());
        assertEquals(Path.of("/var/lib/referee/cdr"), config.cdr().dir());

        final TrunkConfig pbx = config.trunks().get(0);
        assertEquals("pbx", pbx.name());
        assertEquals(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("192.0.2.7/32")), pbx.sources());
        assertTrue(pbx.sources().get(0).contains(InetAddress.getByName("10.200.1.1")));
        assertFalse(pbx.sources().get(0).contains(InetAddress.getByName("11.0.0.1")));
        assertEquals(TransferMode.RELAY, pbx.transfer().mode());
        assertTrue(pbx.transfer().allowPstn());
        assertEquals(2, pbx.transfer().targets().size());
        assertTrue(pbx.transfer().targets().get(1).matcher("dave").matches());
        assertEquals(URI.create("http://127.0.0.1:8080/refer"), pbx.transfer().webhook());

        assertEquals(TrunkCallPolicy.defaults(), pbx.calls());
        assertEquals(TrunkHeaderPolicy.defaults(), pbx.headers());

        final TrunkConfig carrier = config.trunks().get(1);
        assertEquals(TrunkTransferPolicy.defaults(), carrier.transfer());
        assertTrue(carrier.sources().get(0).contains(InetAddress.getByName("2001:db8:1::5")));
        assertEquals(new TrunkCallPolicy(List.of("bob-pbx"), 200, 20, 5, true), carrier.calls());
        assertTrue(carrier.calls().mayTake("bob-pbx"));
        assertFalse(carrier.calls().mayTake(null), "an unnamed route is not on a trunk's list");
        assertEquals(new TrunkHeaderPolicy(true, List.of("x-carrier-ref", "diversion")), carrier.headers());
        assertEquals("bob-pbx", config.routes().get(0).name());
        assertNull(config.routes().get(1).name());
    }

    @Test
    void shouldRefuseTrunkRoutesThatNameNoRoute()
    {
        assertError("routes:\n  - {name: a, user: x, target: \"10.0.0.1:5060\"}\ntrunks:\n" +
            "  - {name: t, sources: [\"10.0.0.1\"], routes: [a, b]}\n", 4, "trunks[0].routes[1]",
            "no route named 'b' (give routes[] a name)");
        assertError("routes:\n  - {name: a, user: x, target: \"10.0.0.1:5060\"}\n" +
            "  - {name: a, user: y, target: \"10.0.0.1:5060\"}\n", 3, "routes[1].name", "duplicate route name 'a'");
        assertError("trunks:\n  - {name: t, sources: [\"10.0.0.1\"], pass-headers: [\"X-A: b\"]}\n", 2,
            "trunks[0].pass-headers[0]", "not a header name (RFC 3261 token): 'X-A: b'");
        assertError("trunks:\n  - name: t\n    sources: [\"10.0.0.1\"]\n    limits: {cps: -1}\n", 4,
            "trunks[0].limits.cps", "must be between 0 and 1000000 (got -1)");
    }

    @Test
    void shouldReadWarmUpAndOverloadSectionsWithTheirDefaults() throws Exception
    {
        final RefereeConfig defaults = ConfigLoader.parse("listen: [\"udp:127.0.0.1:5060\"]\n", "t");
        assertEquals(WarmUpConfig.defaults(), defaults.warmUp());
        assertTrue(defaults.warmUp().enabled());
        assertEquals(OverloadConfig.defaults(), defaults.overload());
        assertEquals(new OverloadConfig(1_000, 50, 1, 100, 1_000, true), defaults.overload());

        final RefereeConfig set = ConfigLoader.parse(
            "warm-up:\n  calls: 0\n  max-time: 2s\noverload:\n  max-lag: 250ms\n  max-ring-fill: 75\n" +
            "  retry-after: 5s\n  standing-lag: 0ms\n  standing-interval: 2s\n  socket-wait: false\n", "t");
        assertEquals(new WarmUpConfig(0, 2_000), set.warmUp());
        assertFalse(set.warmUp().enabled());
        assertEquals(new OverloadConfig(250, 75, 5, 0, 2_000, false), set.overload());
    }

    @Test
    void shouldReadTheLoggingSectionAndNameABadLevel() throws Exception
    {
        assertEquals(LoggingConfig.defaults(), ConfigLoader.parse("", "empty.yaml").logging());
        assertEquals(new LoggingConfig(LogLevel.DEBUG, "/var/log/referee/referee.log"), ConfigLoader.parse(
            "logging:\n  level: debug\n  file: \"/var/log/referee/referee.log\"\n", "log.yaml").logging());
        assertError("logging:\n  level: loud\n", 2, "logging.level", "expected one of error, warning, info, debug (got 'loud')");
        assertError("logging:\n  colour: true\n", 2, "logging.colour", "unknown key");
    }

    @Test
    void shouldRejectBadWarmUpAndOverloadValues()
    {
        assertError("warm-up:\n  calls: -1\n", 2, "warm-up.calls", "must be between 0 and 10000000 (got -1)");
        assertError("warm-up:\n  runs: 3\n", 2, "warm-up.runs", "unknown key");
        assertError("overload:\n  max-ring-fill: 0\n", 2, "overload.max-ring-fill", "must be between 1 and 100 (got 0)");
        assertError("overload:\n  max-lag: soon\n", 2, "overload.max-lag",
            "bad duration 'soon': expected a whole number with ms, s, m or h, e.g. 500ms, 32s, 2m");
        assertError("overload:\n  standing-interval: 0ms\n", 2, "overload.standing-interval",
            "duration '0ms' out of range 1ms..60s");
        assertError("overload:\n  standing-lag: 2m\n", 2, "overload.standing-lag",
            "duration '2m' out of range 0ms..60s");
        assertError("overload:\n  max-lag: 1s\n  socket-wait: sometimes\n", 3, "overload.socket-wait",
            "expected true or false");
    }

    @Test
    void shouldDisableAdminWithOffOrNull() throws Exception
    {
        assertNull(ConfigLoader.parse("admin: off\n", "t").admin());
        assertNull(ConfigLoader.parse("admin: \"off\"\n", "t").admin());
        assertNull(ConfigLoader.parse("admin: null\n", "t").admin());
        assertNull(ConfigLoader.parse("admin:\n", "t").admin());
    }

    @Test
    void shouldAcceptAnUnquotedNumberAsARouteUser() throws Exception
    {
        final RefereeConfig config = ConfigLoader.parse("routes:\n  - {user: 1000, target: \"10.0.0.1:5060\"}\n", "t");

        assertTrue(config.routes().get(0).user().matcher("1000").matches());
    }

    @Test
    void shouldReadARouteWithSeveralTargetsAndAKeepalive() throws Exception
    {
        final RefereeConfig config = ConfigLoader.parse("routes:\n  - user: bob\n    keepalive: 30s\n    targets:\n" +
            "      - {target: \"10.0.0.1:5060\", priority: 1, weight: 3}\n" +
            "      - {target: \"10.0.0.2:5070;transport=tcp\", priority: 2}\n", "t");
        final Route route = config.routes().get(0);
        assertEquals(30_000, route.keepaliveMs());
        assertEquals(List.of(
            new RouteTarget(new InetSocketAddress("10.0.0.1", 5060), Transport.UDP, 1, 3),
            new RouteTarget(new InetSocketAddress("10.0.0.2", 5070), Transport.TCP, 2, 1)),
            route.targets());
        assertEquals(new InetSocketAddress("10.0.0.1", 5060), route.target(), "the first, for one-target users");

        assertError("routes:\n  - user: bob\n    target: \"10.0.0.1:5060\"\n    targets: []\n", 4,
            "routes[0].targets", "a route has either target or targets, not both");
        assertError("routes:\n  - user: bob\n    targets:\n      - {target: \"10.0.0.1:5060\", weight: 0}\n", 4,
            "routes[0].targets[0].weight", "must be between 1 and 65535 (got 0)");
    }

    @Test
    void shouldRejectUnknownKeyWithItsPathAndLine()
    {
        assertError(
            "listen: [\"udp:127.0.0.1:5060\"]\nsip:\n  t1-ms: 500\n  t3-ms: 1\n", 4, "sip.t3-ms", "unknown key");
        assertError("# comment\nlisten: []\nlisen: []\n", 3, "lisen", "unknown key");
        assertError("\n\nroutez: []\n", 3, "routez", "unknown key");
        assertError(
            "trunks:\n  - name: a\n    sources: [\"10.0.0.0/8\"]\n" +
            "    transfer:\n      mode: reject\n      pstn: true\n",
            6, "trunks[0].transfer.pstn", "unknown key");
    }

    @Test
    void shouldRejectWrongTypes()
    {
        assertError("listen: \"udp:127.0.0.1:5060\"\n", 1, "listen", "expected a list");
        assertError("pipeline:\n  inbound-ring: big\n", 2, "pipeline.inbound-ring", "expected an integer");
        assertError("journal:\n  dir: j\n  snapshot-inputs: -1\n", 3, "journal.snapshot-inputs",
            "must be between 0 and 1000000000 (got -1)");
        assertError("routes:\n  - bob\n", 2, "routes[0]", "expected a mapping");
        assertError("sip: 5\n", 1, "sip", "expected a mapping");
        assertError(
            "trunks:\n  - name: a\n    sources: [\"10.0.0.0/8\"]\n    transfer: {allow-pstn: maybe}\n",
            4, "trunks[0].transfer.allow-pstn", "expected true or false");
    }

    @Test
    void shouldReadJournalEnabledDefaultingToTrue() throws Exception
    {
        assertTrue(ConfigLoader.parse("journal: {dir: \"/tmp/j\"}\n", "test.yaml").journal().enabled());
        assertTrue(ConfigLoader.parse("journal:\n  enabled: true\n", "test.yaml").journal().enabled());

        final RefereeConfig off = ConfigLoader.parse("journal:\n  enabled: false\n  roll: hourly\n", "test.yaml");

        assertEquals(new JournalConfig(JournalRoll.HOURLY, 7, 60_000, false), off.journal());
        assertError("journal:\n  enabled: off-ish\n", 2, "journal.enabled", "expected true or false");
        assertError("journal: {enabled: 1}\n", 1, "journal.enabled", "expected true or false");
    }

    @Test
    void shouldReadJournalOutputsDefaultingToDigests() throws Exception
    {
        assertEquals(OutputRecords.DIGEST, ConfigLoader.parse("journal: {dir: j}\n", "test.yaml").journal().outputs());
        assertEquals(OutputRecords.FULL,
            ConfigLoader.parse("journal:\n  dir: j\n  outputs: full\n", "test.yaml").journal().outputs());
        assertEquals(OutputRecords.DIGEST,
            ConfigLoader.parse("journal:\n  outputs: digest\n", "test.yaml").journal().outputs());
        assertError("journal:\n  dir: j\n  outputs: none\n", 3, "journal.outputs",
            "expected one of full, digest (got 'none')");
    }

    @Test
    void shouldRejectBadRegexWithItsIndex()
    {
        assertError(
            "routes:\n  - user: bob\n    target: \"127.0.0.1:5062\"\n" +
            "  - user: \"(ab\"\n    target: \"127.0.0.1:5063\"\n",
            4, "routes[1].user", "bad regex: Unclosed group near index 3");
        assertError(
            "trunks:\n  - name: a\n    sources: [\"10.0.0.0/8\"]\n    transfer:\n      targets: [\"ok\", \"[x\"]\n",
            5, "trunks[0].transfer.targets[1]", "bad regex: Unclosed character class near index 1");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '^', value = {
        "routes: [{user: a, target: \"10.0.0.1:0\"}]        ^ routes[0].target ^ bad address '10.0.0.1:0': port 0 out of range 1..65535",
        "listen: [\"udp:127.0.0.1:70000\"]                  ^ listen[0]        ^ bad address 'udp:127.0.0.1:70000': port 70000 out of range 0..65535",
        "listen: [\"sctp:127.0.0.1:5060\"]                  ^ listen[0]        ^ bad address 'sctp:127.0.0.1:5060': transport must be udp, tcp or tls",
        "listen: [\"udp:999.0.0.1:5060\"]                   ^ listen[0]        ^ bad address 'udp:999.0.0.1:5060': not an IPv4 address",
        "listen: [\"udp:::1:5060\"]                         ^ listen[0]        ^ bad address 'udp:::1:5060': an IPv6 address must be written in brackets: [::1]:5060",
        "listen: [\"udp:sip.example.com:5060\"]             ^ listen[0]        ^ bad address 'udp:sip.example.com:5060': host must be an IP address or localhost (names are not resolved)",
        "admin: \"127.0.0.1\"                               ^ admin            ^ bad address '127.0.0.1': missing port",
        "routes: [{user: a, target: \"10.0.0.1:x\"}]        ^ routes[0].target ^ bad address '10.0.0.1:x': port must be a number in 1..65535",
        "routes: [{user: a, target: \"10.0.0.1:5060;lr\"}]  ^ routes[0].target ^ bad address '10.0.0.1:5060;lr': unknown parameter 'lr' (only transport=udp|tcp|tls)",
        "routes: [{user: a}]                                ^ routes[0].target ^ required",
    })
    void shouldRejectBadAddresses(final String yaml, final String path, final String reason)
    {
        assertError(yaml.trim() + "\n", 1, path, reason);
    }

    @Test
    void shouldAcceptPortZeroWhereRefereeBinds() throws Exception
    {
        final RefereeConfig config = ConfigLoader.parse(
            "listen: [\"udp:127.0.0.1:0\", \"tcp:127.0.0.1:0\"]\nadmin: \"127.0.0.1:0\"\n", "test.yaml");

        assertEquals(0, config.listen().get(0).address().getPort());
        assertEquals(0, config.listen().get(1).address().getPort());
        assertEquals(0, config.admin().getPort());
    }

    @Test
    void shouldRejectDuplicateListenAddress()
    {
        assertError("listen:\n  - \"udp:127.0.0.1:5060\"\n  - \"udp:127.0.0.1:5060\"\n", 3, "listen[1]",
            "duplicate listen address");
    }

    @Test
    void shouldRejectRingSizeThatIsNotAPowerOfTwo()
    {
        assertError("pipeline:\n  inbound-ring: 1024\n  outbound-ring: 1000\n", 3, "pipeline.outbound-ring",
            "must be a power of two (got 1000)");
    }

    @Test
    void shouldRejectBadDuration()
    {
        assertError("transfer:\n  ring-timeout: 60\n", 2, "transfer.ring-timeout",
            "bad duration '60': expected a whole number with ms, s, m or h, e.g. 500ms, 32s, 2m");
        assertError("journal:\n  snapshot-interval: soon\n", 2, "journal.snapshot-interval",
            "bad duration 'soon': expected a whole number with ms, s, m or h, e.g. 500ms, 32s, 2m");
        assertError("webhook: {timeout: 0s}\n", 1, "webhook.timeout", "duration '0s' out of range 1ms..600s");
    }

    @Test
    void shouldRejectBadEnumValues()
    {
        assertError("pipeline:\n  wait-strategy: fast\n", 2, "pipeline.wait-strategy",
            "expected one of blocking, sleeping, yielding, busy-spin (got 'fast')");
        assertError("pipeline:\n  udp-send: kernel\n", 2, "pipeline.udp-send",
            "expected one of engine, send-thread (got 'kernel')");
        assertError("pipeline:\n  udp-syscalls: mmsg\n", 2, "pipeline.udp-syscalls",
            "expected one of batched, per-datagram (got 'mmsg')");
        assertError("pipeline:\n  udp-receive: kernel\n", 2, "pipeline.udp-receive",
            "expected one of receive-thread, engine (got 'kernel')");
        assertError("journal:\n  roll: weekly\n", 2, "journal.roll",
            "expected one of minutely, hourly, daily (got 'weekly')");
        assertError("transfer:\n  on-failure: retry\n", 2, "transfer.on-failure",
            "expected one of recall, hangup (got 'retry')");
        assertError("transfer:\n  accept-status: 201\n", 2, "transfer.accept-status", "must be 202 or 200 (got 201)");
    }

    @Test
    void shouldReadTrunkAuthKeepingOnlyTheHa1Values() throws Exception
    {
        final RefereeConfig config = ConfigLoader.parse("trunks:\n  - name: carrier\n    sources: [\"10.0.0.1\"]\n" +
            "    auth: {realm: sip.carrier.example, user: referee, password: \"p4ss word\"}\n" +
            "  - {name: office, sources: [\"10.0.0.2\"]}\n", "test.yaml");
        final dev.referee.engine.config.TrunkAuth auth = config.trunks().get(0).auth();
        assertEquals(dev.referee.engine.config.TrunkAuth.of("sip.carrier.example", "referee", "p4ss word"), auth);
        // md5("referee:sip.carrier.example:p4ss word"), as a UA computes HA1 (RFC 7616 §3.4.2).
        assertEquals(dev.referee.engine.config.DigestAlgorithm.MD5.hash("referee:sip.carrier.example:p4ss word"),
            auth.ha1Md5());
        assertEquals(null, config.trunks().get(1).auth(), "a trunk without auth is not challenged");
        assertEquals(dev.referee.engine.config.TrunkAuth.DEFAULT_ALGORITHMS, auth.algorithms());
        final RefereeConfig md5 = ConfigLoader.parse("trunks:\n  - name: c\n    sources: [\"10.0.0.1\"]\n" +
            "    auth: {realm: r, user: u, password: p, algorithms: [md5]}\n", "test.yaml");
        assertEquals(List.of(dev.referee.engine.config.DigestAlgorithm.MD5), md5.trunks().get(0).auth().algorithms());
    }

    @Test
    void shouldRejectIncompleteOrUnquotableTrunkAuth()
    {
        assertError("trunks:\n  - name: a\n    sources: [\"10.0.0.1\"]\n    auth:\n      realm: r\n      user: u\n",
            5, "trunks[0].auth.password", "required");
        assertError("trunks:\n  - name: a\n    sources: [\"10.0.0.1\"]\n    auth: {realm: r, user: u, password: p, " +
            "algorithm: MD5}\n", 4, "trunks[0].auth.algorithm", "unknown key");
        assertError("trunks:\n  - name: a\n    sources: [\"10.0.0.1\"]\n    auth: {realm: r, user: u, password: p, " +
            "algorithms: [MD5, SHA-512]}\n", 4, "trunks[0].auth.algorithms[1]", "must be SHA-256 or MD5 (got 'SHA-512')");
        assertError("trunks:\n  - name: a\n    sources: [\"10.0.0.1\"]\n    auth: {realm: r, user: u, password: p, " +
            "algorithms: []}\n", 4, "trunks[0].auth.algorithms", "needs at least one algorithm");
        assertError("trunks:\n  - name: a\n    sources: [\"10.0.0.1\"]\n    auth: {realm: \"r\\\"x\", user: u, " +
            "password: p}\n", 4, "trunks[0].auth.realm", "may not contain a quote, backslash or control character");
    }

    @Test
    void shouldRejectBadTrunks()
    {
        assertError(
            "trunks:\n  - name: a\n    sources: []\n", 3, "trunks[0].sources", "needs at least one address block");
        assertError("trunks:\n  - name: a\n    sources: [\"10.0.0.0/33\"]\n", 3, "trunks[0].sources[0]",
            "bad address block '10.0.0.0/33': prefix length 33 exceeds 32");
        assertError(
            "trunks:\n  - {name: a, sources: [\"10.0.0.1\"]}\n  - {name: a, sources: [\"10.0.0.2\"]}\n",
            3, "trunks[1].name", "duplicate trunk name 'a'");
        assertError(
            "trunks:\n  - name: a\n    sources: [\"10.0.0.1\"]\n    transfer: {webhook: \"ftp://x/y\"}\n",
            4, "trunks[0].transfer.webhook", "bad webhook URL 'ftp://x/y': scheme must be http or https");
    }

    @Test
    void shouldRejectOutOfRangeAndInconsistentTimers()
    {
        assertError("sip:\n  max-calls: 0\n", 2, "sip.max-calls", "must be between 1 and 100000000 (got 0)");
        assertError("sip:\n  t1-ms: 500\n  t2-ms: 100\n", 3, "sip.t2-ms", "t2-ms must not be less than t1-ms");
    }

    @Test
    void shouldReadTheSessionTimerSettingsAndRefuseAnIntervalBelowMinSe() throws Exception
    {
        final RefereeConfig config = ConfigLoader.parse("sip:\n  session-expires: 600\n  min-se: 120\n", "t");
        assertEquals(600, config.sip().sessionExpiresS());
        assertEquals(120, config.sip().minSeS());
        assertEquals(600, config.engineConfig(new dev.referee.engine.id.IdKey(1, 2)).sessionExpiresS());
        assertEquals(SipConfig.DEFAULT_SESSION_EXPIRES_S, ConfigLoader.parse("", "t").sip().sessionExpiresS());
        assertError("sip:\n  min-se: 300\n  session-expires: 200\n", 3, "sip.session-expires",
            "session-expires must not be less than min-se");
        assertError("sip:\n  min-se: 30\n", 2, "sip.min-se", "must be between 90 and 86400 (got 30)");
    }

    @Test
    void shouldReportDuplicateKeysAndSyntaxErrorsWithTheirLine()
    {
        assertError("admin: off\nadmin: \"127.0.0.1:1\"\n", 2, "admin", "duplicate key");
        final ConfigException ex = assertThrows(
            ConfigException.class, () -> ConfigLoader.parse("listen: [\"a\"\nroutes: x\n", "bad.yaml"));
        assertEquals(ConfigException.DOCUMENT, ex.keyPath());
        assertTrue(ex.reason().startsWith("YAML syntax: "), ex.reason());
        assertTrue(ex.line() >= 1, "line " + ex.line());
    }

    @Test
    void shouldNameTheFileOfAMissingConfig(final @org.junit.jupiter.api.io.TempDir Path dir)
    {
        final Path missing = dir.resolve("nope.yaml");
        final ConfigException ex = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing));

        assertEquals(missing.toString(), ex.source());
        assertEquals("no such file", ex.reason());
    }

    @Test
    void shouldReadAFileAndNameItInErrors(final @org.junit.jupiter.api.io.TempDir Path dir) throws Exception
    {
        final Path file = dir.resolve("referee.yaml");
        Files.writeString(file, "listen: [\"udp:127.0.0.1:5060\"]\nredirect:\n  max: -1\n");
        final ConfigException ex = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));

        assertEquals(file.toString(), ex.source());
        assertEquals(3, ex.line());
        assertEquals("redirect.max", ex.keyPath());
        assertEquals(file + ":3: redirect.max: must be between 0 and 100 (got -1)", ex.getMessage());
    }

    @Test
    void shouldReadTheHepSection() throws Exception
    {
        final RefereeConfig config = ConfigLoader.parse(
            "hep:\n  address: \"10.0.0.9:9060\"\n  transport: tcp\n  agent-id: 2002\n  password: s3cret\n", "t");

        assertEquals(new HepConfig(address("10.0.0.9", 9060), HepConfig.Transport.TCP, 2002, "s3cret"), config.hep());
        assertFalse(config.hep().toString().contains("s3cret"), "the password is never printed");
        assertEquals(new HepConfig(address("127.0.0.1", 9060), HepConfig.Transport.UDP, 2001, null),
            ConfigLoader.parse("hep: {address: \"127.0.0.1:9060\"}\n", "t").hep());
        assertFalse(ConfigLoader.parse("", "t").hep().enabled(), "no hep key: capture off");
        assertFalse(ConfigLoader.loadDefault().hep().enabled(), "the embedded default captures nothing");
    }

    @Test
    void shouldRejectBadHepValuesNamingKeyAndLine()
    {
        assertError("hep:\n  transport: udp\n", 2, "hep.address", "required");
        assertError("hep:\n  address: \"collector:9060\"\n", 2, "hep.address",
            "bad address 'collector:9060': host must be an IP address or localhost (names are not resolved)");
        assertError("hep:\n  address: \"127.0.0.1:9060\"\n  transport: sctp\n", 3, "hep.transport",
            "expected one of udp, tcp (got 'sctp')");
        assertError("hep:\n  address: \"127.0.0.1:9060\"\n  agent-id: -1\n", 3, "hep.agent-id",
            "must be between 0 and 2147483647 (got -1)");
        assertError("hep:\n  address: \"127.0.0.1:9060\"\n  password: \"\"\n", 3, "hep.password",
            "must not be empty");
        assertError("hep:\n  address: \"127.0.0.1:9060\"\n  compress: true\n", 3, "hep.compress", "unknown key");
    }

    @Test
    void shouldLeaveMediaOffByDefaultUntilTheRelayIsWired() throws Exception
    {
        final MediaConfig media = ConfigLoader.parse("", "t").media();

        assertFalse(media.enabled());
        assertEquals(AddressSyntax.ipLiteral("127.0.0.1"), media.address());
        assertNull(media.advertise());
        assertEquals(AddressSyntax.ipLiteral("127.0.0.1"), media.sdpAddress());
        assertEquals(30_000, media.lowPort());
        assertEquals(39_999, media.highPort());
        assertEquals(5_000, media.pairs());
        assertEquals(60_000, media.timeoutMs());
        assertEquals(3_600_000, media.holdTimeoutMs());
        assertFalse(media.strictSource());
        assertEquals(MediaConfig.defaults(), ConfigLoader.loadDefault().media());
    }

    @Test
    void shouldReadEveryMediaKey() throws Exception
    {
        final MediaConfig media = ConfigLoader.parse("media:\n  enabled: true\n  address: \"0.0.0.0\"\n" +
            "  advertise: \"203.0.113.7\"\n  ports: \"20000-20099\"\n  timeout: 30s\n  hold-timeout: 2h\n" +
            "  strict-source: true\n", "t").media();

        assertEquals(new MediaConfig(true, AddressSyntax.ipLiteral("0.0.0.0"), AddressSyntax.ipLiteral("203.0.113.7"),
            20_000, 20_099, 30_000, 7_200_000, true), media);
        assertEquals(AddressSyntax.ipLiteral("203.0.113.7"), media.sdpAddress());
        assertEquals(50, media.pairs());
        final MediaConfig ipv6 = ConfigLoader.parse("media:\n  address: \"2001:db8::5\"\n  ports: \"30000-30001\"\n",
            "t").media();
        assertEquals(AddressSyntax.ipLiteral("2001:db8::5"), ipv6.sdpAddress());
        assertEquals(1, ipv6.pairs());
    }

    @Test
    void shouldRejectBadMediaValuesNamingKeyAndLine()
    {
        assertError("media:\n  enabled: yes please\n", 2, "media.enabled", "expected true or false");
        assertError("media:\n  address: \"media.example.com\"\n", 2, "media.address",
            "bad address 'media.example.com': host must be an IP address or localhost (names are not resolved)");
        assertError("media:\n  address: \"0.0.0.0\"\n", 2, "media.address",
            "a wildcard address needs media.advertise (the address written in SDP)");
        assertError("media:\n  advertise: \"0.0.0.0\"\n", 2, "media.advertise",
            "must be an address a peer can send to, not a wildcard");
        assertError("media:\n  advertise: \"2001:db8::1\"\n", 2, "media.advertise",
            "must be of the same address family as media.address");
        assertError("media:\n  ports: \"30001-39999\"\n", 2, "media.ports",
            "must start on an even port, RTP's (RTCP is RTP + 1) (got '30001-39999')");
        assertError("media:\n  ports: \"30000-30000\"\n", 2, "media.ports",
            "must hold at least one RTP/RTCP pair (got '30000-30000')");
        assertError("media:\n  ports: \"40000-30000\"\n", 2, "media.ports",
            "must hold at least one RTP/RTCP pair (got '40000-30000')");
        assertError("media:\n  ports: \"30000\"\n", 2, "media.ports",
            "expected a port range LOW-HIGH (got '30000')");
        assertError("media:\n  ports: \"low-high\"\n", 2, "media.ports",
            "expected a port range LOW-HIGH (got 'low-high')");
        assertError("media:\n  ports: \"60000-70001\"\n", 2, "media.ports",
            "ports must be between 1 and 65535 (got '60000-70001')");
        assertError("media:\n  timeout: 0s\n", 2, "media.timeout", "duration '0s' out of range 1ms..86400s");
        assertError("media:\n  hold-timeout: 25h\n", 2, "media.hold-timeout",
            "duration '25h' out of range 1ms..86400s");
        assertError("media:\n  strict-source: 1\n", 2, "media.strict-source", "expected true or false");
        assertError("media:\n  rtp-ports: \"30000-39999\"\n", 2, "media.rtp-ports", "unknown key");
    }

    private static void assertError(final String yaml, final int line, final String path, final String reason)
    {
        final ConfigException ex = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "test.yaml"));
        assertEquals(path, ex.keyPath(), () -> "path of: " + ex.getMessage());
        assertEquals(reason, ex.reason(), () -> "reason of: " + ex.getMessage());
        assertEquals(line, ex.line(), () -> "line of: " + ex.getMessage());
        assertEquals("test.yaml", ex.source());
    }

    private static InetSocketAddress address(final String host, final int port)
    {
        return new InetSocketAddress(AddressSyntax.ipLiteral(host), port);
    }
}
