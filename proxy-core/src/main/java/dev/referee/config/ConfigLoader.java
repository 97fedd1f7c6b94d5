package dev.referee.config;

import dev.referee.config.RefereeConfig.CdrConfig;
import dev.referee.config.RefereeConfig.FloodConfig;
import dev.referee.config.RefereeConfig.SecurityConfig;
import dev.referee.config.RefereeConfig.TcpConfig;
import dev.referee.config.RefereeConfig.TrunkConfig;
import dev.referee.config.RefereeConfig.UnknownSources;
import dev.referee.config.RefereeConfig.JournalConfig;
import dev.referee.config.RefereeConfig.JournalRoll;
import dev.referee.config.RefereeConfig.OnTransferFailure;
import dev.referee.config.RefereeConfig.PipelineConfig;
import dev.referee.config.RefereeConfig.RedirectConfig;
import dev.referee.config.RefereeConfig.WarmUpConfig;
import dev.referee.config.RefereeConfig.OverloadConfig;
import dev.referee.config.RefereeConfig.SipConfig;
import dev.referee.config.RefereeConfig.TransferConfig;
import dev.referee.config.RefereeConfig.WebhookConfig;
import dev.referee.transport.Transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a {@link RefereeConfig} from YAML. Every key is optional and has a default; any other key is an error, so a
 * misspelt key is reported rather than silently ignored. Errors are {@link ConfigException}s naming the key path
 * and line.
 */
public final class ConfigLoader
{
    /** Classpath resource used when no file is given. */
    public static final String DEFAULT_RESOURCE = "referee-default.yaml";

    /** How the embedded default is named in error messages. */
    public static final String DEFAULT_SOURCE = DEFAULT_RESOURCE + " (embedded)";

    /** Wait strategies the pipeline knows; busy-spin is allowed but loses on machines with few cores. */
    public static final List<String> WAIT_STRATEGIES = List.of("blocking", "sleeping", "yielding", "busy-spin");

    private static final List<ListenAddress> DEFAULT_LISTEN = List.of(
        new ListenAddress(Transport.UDP, new InetSocketAddress(AddressSyntax.ipLiteral("127.0.0.1"), 5060)),
        new ListenAddress(Transport.TCP, new InetSocketAddress(AddressSyntax.ipLiteral("127.0.0.1"), 5060)));
    private static final String DEFAULT_JOURNAL_DIR = "./data/journal";
    private static final long MAX_TIMEOUT_MS = 24L * 3_600_000L;

    private ConfigLoader()
    {
    }

    /** Reads {@code file}, or the embedded default when {@code file} is null. */
    public static RefereeConfig load(final Path file) throws ConfigException
    {
        if (file == null)
        {
            return loadDefault();
        }
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8))
        {
            return parse(reader, file.toString());
        }
        catch (final NoSuchFileException ex)
        {
            throw new ConfigException(
                file.toString(), ConfigException.NO_LINE, ConfigException.DOCUMENT, "no such file");
        }
        catch (final IOException ex)
        {
            throw new ConfigException(
                file.toString(), ConfigException.NO_LINE, ConfigException.DOCUMENT, "cannot read: " + ex.getMessage());
        }
    }

    /** The embedded {@value #DEFAULT_RESOURCE}. */
    public static RefereeConfig loadDefault() throws ConfigException
    {
        final InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE);
        if (in == null)
        {
            throw new IllegalStateException(DEFAULT_RESOURCE + " missing from the classpath");
        }
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8))
        {
            return parse(reader, DEFAULT_SOURCE);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot read " + DEFAULT_RESOURCE, ex);
        }
    }

    /** Reads YAML text; {@code source} names it in error messages. */
    public static RefereeConfig parse(final String yaml, final String source) throws ConfigException
    {
        return parse(new StringReader(yaml), source);
    }

    /** Reads YAML from {@code reader}; {@code source} names it in error messages. The reader is not closed. */
    public static RefereeConfig parse(final Reader reader, final String source) throws ConfigException
    {
        final YamlNode root = YamlTreeReader.read(reader, source);
        if (!(root instanceof YamlNode.Mapping))
        {
            throw new ConfigException(source, root.line(), ConfigException.DOCUMENT, "expected a mapping of keys");
        }
        final ConfigSection top = new ConfigSection(source, "", (YamlNode.Mapping)root).allowOnly(
            "listen", "routes", "journal", "admin", "pipeline", "sip", "transfer", "redirect", "trunks", "webhook",
            "cdr", "warm-up", "overload", "security", "tcp");
        final ConfigSection journal = top.section("journal").allowOnly(
            "dir", "roll", "retain", "snapshot-interval", "enabled");

        final List<TrunkConfig> trunks = TrunksReader.trunks(top.items("trunks"));
        return new RefereeConfig(
            listen(top),
            routes(top),
            path(journal, "dir", DEFAULT_JOURNAL_DIR),
            admin(top),
            pipeline(top.section("pipeline")),
            sip(top.section("sip")),
            journal(journal),
            transfer(top.section("transfer")),
            redirect(top.section("redirect")),
            trunks,
            webhook(top.section("webhook")),
            new CdrConfig(path(top.section("cdr").allowOnly("dir"), "dir", "./data/cdr")),
            warmUp(top.section("warm-up")),
            overload(top.section("overload")),
            security(top.section("security"), !trunks.isEmpty(), TrunksReader.unlimited(top.items("trunks"))),
            tcp(top.section("tcp")));
    }

    private static SecurityConfig security(final ConfigSection section, final boolean anyTrunk,
        final List<String> unlimitedTrunks) throws ConfigException
    {
        section.allowOnly("unknown-sources", "flood");
        final SecurityConfig defaults = SecurityConfig.defaults(anyTrunk);
        return new SecurityConfig(
            section.choice("unknown-sources", UnknownSources.class, defaults.unknownSources()),
            flood(section, defaults.flood()),
            unlimitedTrunks);
    }

    /** {@code flood: off} (or false), or a mapping whose missing keys take the carrier defaults. */
    private static FloodConfig flood(final ConfigSection security, final FloodConfig defaultFlood)
        throws ConfigException
    {
        final ConfigValue value = security.get("flood");
        if (value == null)
        {
            return defaultFlood;
        }
        if (!value.isMapping())
        {
            final String text = value.text();
            if ("off".equalsIgnoreCase(text) || "false".equalsIgnoreCase(text))
            {
                return FloodConfig.OFF;
            }
            throw value.error("expected off or a mapping of rate, burst, block (got '" + text + "')");
        }
        final ConfigSection flood = value.section().allowOnly("rate", "burst", "block");
        final FloodConfig defaults = FloodConfig.defaults();
        final int rate = flood.integer("rate", defaults.ratePerSecond(), 1, 1_000_000);
        final int burst = flood.integer("burst", Math.max(rate, defaults.burst()), 1, 10_000_000);
        if (burst < rate)
        {
            // A bucket smaller than a second's worth would refuse a source sending steadily at the rate.
            final ConfigValue burstValue = flood.get("burst");
            throw (burstValue != null ? burstValue : flood.require("rate")).error(
                "burst must be at least rate (" + burst + " < " + rate + ")");
        }
        return new FloodConfig(rate, burst, flood.durationMs("block", defaults.blockMs(), MAX_TIMEOUT_MS));
    }

    private static TcpConfig tcp(final ConfigSection section) throws ConfigException
    {
        section.allowOnly("max-connections", "idle-timeout", "read-timeout");
        final TcpConfig defaults = TcpConfig.defaults();
        return new TcpConfig(
            section.integer("max-connections", defaults.maxConnections(), 1, 1_000_000),
            section.durationMs("idle-timeout", defaults.idleTimeoutMs(), MAX_TIMEOUT_MS),
            section.durationMs("read-timeout", defaults.readTimeoutMs(), 3_600_000));
    }

    private static OverloadConfig overload(final ConfigSection section) throws ConfigException
    {
        section.allowOnly("max-lag", "max-ring-fill", "retry-after");
        final OverloadConfig defaults = OverloadConfig.defaults();
        return new OverloadConfig(
            section.durationMs("max-lag", defaults.maxLagMs(), 60_000),
            section.integer("max-ring-fill", defaults.maxRingFillPercent(), 1, 100),
            (int)(section.durationMs("retry-after", defaults.retryAfterSeconds() * 1_000L, 3_600_000) / 1_000));
    }

    private static WarmUpConfig warmUp(final ConfigSection section) throws ConfigException
    {
        section.allowOnly("calls", "max-time");
        final WarmUpConfig defaults = WarmUpConfig.defaults();
        return new WarmUpConfig(
            section.integer("calls", defaults.calls(), 0, 10_000_000),
            section.durationMs("max-time", defaults.maxMs(), 600_000));
    }

    private static List<ListenAddress> listen(final ConfigSection top) throws ConfigException
    {
        final ConfigValue value = top.get("listen");
        if (value == null)
        {
            return DEFAULT_LISTEN;
        }
        final List<ConfigValue> items = value.items();
        if (items.isEmpty())
        {
            throw value.error("needs at least one address");
        }
        final List<ListenAddress> listen = new ArrayList<>();
        final Set<ListenAddress> seen = new HashSet<>();
        for (final ConfigValue item : items)
        {
            final ListenAddress address = item.parsed("address", AddressSyntax::listen);
            if (!seen.add(address))
            {
                throw item.error("duplicate listen address");
            }
            listen.add(address);
        }
        return listen;
    }

    private static List<Route> routes(final ConfigSection top) throws ConfigException
    {
        final List<Route> routes = new ArrayList<>();
        for (final ConfigValue item : top.items("routes"))
        {
            final ConfigSection route = item.section().allowOnly("user", "target");
            final ConfigValue target = route.require("target");
            final int transport = target.parsed("address", ConfigLoader::targetTransport);
            final InetSocketAddress address = target.parsed("address", ConfigLoader::targetAddress);
            routes.add(new Route(route.require("user").regex(), address, transport));
        }
        return routes;
    }

    /** "host:port[;transport=udp|tcp]" without the parameters. */
    private static InetSocketAddress targetAddress(final String text)
    {
        final int semicolon = text.indexOf(';');
        return AddressSyntax.hostPort(semicolon < 0 ? text : text.substring(0, semicolon));
    }

    /** The transport parameter of a route target; UDP when absent, the only parameter allowed. */
    private static int targetTransport(final String text)
    {
        int transport = Transport.UDP;
        final String[] parts = text.split(";", -1);
        for (int i = 1; i < parts.length; i++)
        {
            final String param = parts[i].trim().toLowerCase(Locale.ROOT);
            if (!param.startsWith("transport="))
            {
                throw new IllegalArgumentException("unknown parameter '" + parts[i] + "' (only transport=udp|tcp)");
            }
            transport = AddressSyntax.transport(param.substring("transport=".length()));
        }
        return transport;
    }

    /** An address, or disabled by null, "off" or false. */
    private static InetSocketAddress admin(final ConfigSection top) throws ConfigException
    {
        final ConfigValue value = top.getIncludingNull("admin");
        if (value == null)
        {
            return new InetSocketAddress(AddressSyntax.ipLiteral("127.0.0.1"), 8060);
        }
        if (value.isNull())
        {
            return null;
        }
        final String text = value.text();
        if ("off".equalsIgnoreCase(text) || "false".equalsIgnoreCase(text))
        {
            return null;
        }
        return value.parsed("address", AddressSyntax::bindAddress);
    }

    private static PipelineConfig pipeline(final ConfigSection section) throws ConfigException
    {
        section.allowOnly("inbound-ring", "outbound-ring", "wait-strategy", "tick-ms");
        final PipelineConfig defaults = PipelineConfig.defaults();
        final ConfigValue strategy = section.get("wait-strategy");
        if (strategy != null && !WAIT_STRATEGIES.contains(strategy.text()))
        {
            throw strategy.error(
                "expected one of " + String.join(", ", WAIT_STRATEGIES) + " (got '" + strategy.text() + "')");
        }
        return new PipelineConfig(
            ringSize(section, "inbound-ring", defaults.inboundRingSize()),
            ringSize(section, "outbound-ring", defaults.outboundRingSize()),
            strategy == null ? defaults.waitStrategy() : strategy.text(),
            section.integer("tick-ms", defaults.tickIntervalMs(), 1, 1_000));
    }

    /** Disruptor rings index with a mask, so their size must be a power of two. */
    private static int ringSize(final ConfigSection section, final String key, final int defaultSize)
        throws ConfigException
    {
        final ConfigValue value = section.get(key);
        if (value == null)
        {
            return defaultSize;
        }
        final int size = value.integer(2, 1 << 30);
        if (Integer.bitCount(size) != 1)
        {
            throw value.error("must be a power of two (got " + size + ")");
        }
        return size;
    }

    private static SipConfig sip(final ConfigSection section) throws ConfigException
    {
        section.allowOnly("t1-ms", "t2-ms", "t4-ms", "max-calls", "user-agent");
        final SipConfig defaults = SipConfig.defaults();
        final int t1Ms = section.integer("t1-ms", defaults.t1Ms(), 1, 60_000);
        final int t2Ms = section.integer("t2-ms", defaults.t2Ms(), 1, 600_000);
        if (t2Ms < t1Ms)
        {
            // RFC 3261 caps retransmission intervals at T2, which is meaningless below T1.
            final ConfigValue t2 = section.get("t2-ms");
            throw (t2 != null ? t2 : section.require("t1-ms")).error("t2-ms must not be less than t1-ms");
        }
        return new SipConfig(
            t1Ms,
            t2Ms,
            section.integer("t4-ms", defaults.t4Ms(), 1, 600_000),
            section.integer("max-calls", defaults.maxCalls(), 1, 100_000_000),
            section.text("user-agent", defaults.userAgent()));
    }

    private static JournalConfig journal(final ConfigSection section) throws ConfigException
    {
        final JournalConfig defaults = JournalConfig.defaults();
        return new JournalConfig(
            section.choice("roll", JournalRoll.class, defaults.roll()),
            section.integer("retain", defaults.retainCycles(), 1, 100_000),
            section.durationMs("snapshot-interval", defaults.snapshotIntervalMs(), MAX_TIMEOUT_MS),
            section.bool("enabled", defaults.enabled()));
    }

    private static TransferConfig transfer(final ConfigSection section) throws ConfigException
    {
        section.allowOnly("accept-status", "transferor-bye-timeout", "ring-timeout", "on-failure");
        final TransferConfig defaults = TransferConfig.defaults();
        final ConfigValue status = section.get("accept-status");
        final int acceptStatus = status == null ? defaults.acceptStatus() : status.integer(200, 202);
        if (acceptStatus != 200 && acceptStatus != 202)
        {
            throw status.error("must be 202 or 200 (got " + acceptStatus + ")");
        }
        return new TransferConfig(
            acceptStatus,
            section.durationMs("transferor-bye-timeout", defaults.transferorByeTimeoutMs(), MAX_TIMEOUT_MS),
            section.durationMs("ring-timeout", defaults.ringTimeoutMs(), MAX_TIMEOUT_MS),
            section.choice("on-failure", OnTransferFailure.class, defaults.onFailure()));
    }

    private static RedirectConfig redirect(final ConfigSection section) throws ConfigException
    {
        section.allowOnly("max");
        return new RedirectConfig(section.integer("max", RedirectConfig.defaults().max(), 0, 100));
    }

    private static WebhookConfig webhook(final ConfigSection section) throws ConfigException
    {
        section.allowOnly("timeout");
        return new WebhookConfig(section.durationMs("timeout", WebhookConfig.defaults().timeoutMs(), 600_000));
    }

    private static Path path(final ConfigSection section, final String key, final String defaultPath)
        throws ConfigException
    {
        final ConfigValue value = section.get(key);
        if (value == null)
        {
            return Path.of(defaultPath);
        }
        value.nonEmptyText();
        return value.parsed("path", ConfigLoader::toPath);
    }

    private static Path toPath(final String text)
    {
        try
        {
            return Path.of(text);
        }
        catch (final InvalidPathException ex)
        {
            throw new IllegalArgumentException(ex.getReason());
        }
    }
}
