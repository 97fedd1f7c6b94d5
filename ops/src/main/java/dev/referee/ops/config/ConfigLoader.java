package dev.referee.ops.config;

import dev.referee.capture.HepConfig;
import dev.referee.cdr.CdrConfig;
import dev.referee.config.AddressSyntax;
import dev.referee.config.ConfigException;
import dev.referee.config.ConfigSection;
import dev.referee.config.ConfigValue;
import dev.referee.config.ListenAddress;
import dev.referee.engine.config.MediaConfig;
import dev.referee.engine.config.RedirectConfig;
import dev.referee.engine.config.Route;
import dev.referee.engine.config.SipConfig;
import dev.referee.engine.config.TransferConfig;
import dev.referee.engine.config.TrunkConfig;
import dev.referee.engine.config.TrunksReader;
import dev.referee.engine.config.WebhookConfig;
import dev.referee.journal.JournalConfig;
import dev.referee.ops.cluster.ClusterConfig;
import dev.referee.ops.log.LoggingConfig;
import dev.referee.pipeline.PipelineConfig;
import dev.referee.transport.OverloadConfig;
import dev.referee.transport.SecurityConfig;
import dev.referee.transport.TcpConfig;
import dev.referee.transport.Transport;
import dev.referee.transport.tls.TlsConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads a {@link RefereeConfig} from YAML: each top-level section is read by the record of the module that uses it
 * ({@code TcpConfig.read}, {@code SipConfig.read}, ...); this class only knows which sections there are. Every key
 * is optional and has a default; any other key is an error, so a misspelt key is reported rather than silently
 * ignored. Errors are {@link ConfigException}s naming the key path and line.
 */
public final class ConfigLoader
{
    private static final int MIN_ADMIN_TOKEN = 16;
    /** Classpath resource used when no file is given. */
    public static final String DEFAULT_RESOURCE = "referee-default.yaml";

    /** How the embedded default is named in error messages. */
    public static final String DEFAULT_SOURCE = DEFAULT_RESOURCE + " (embedded)";

    private static final String DEFAULT_JOURNAL_DIR = "./data/journal";

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
            return parse(reader, file.toString()).withFile(file);
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
        final ConfigSection top = ConfigSection.document(reader, source).allowOnly(
            "listen", "routes", "journal", "admin", "pipeline", "sip", "transfer", "redirect", "trunks", "webhook",
            "cdr", "warm-up", "overload", "security", "tcp", "tls", "logging", "hep", "media", "cluster",
            "admin-token");
        final ConfigSection journal = top.section("journal");
        final List<Route> routes = Route.readAll(top.items("routes"));
        final List<TrunkConfig> trunks = TrunksReader.trunks(top.items("trunks"), routes);
        final List<ListenAddress> listen = ListenAddress.readAll(top);
        return new RefereeConfig(
            listen,
            routes,
            journal.path("dir", DEFAULT_JOURNAL_DIR),
            admin(top),
            PipelineConfig.read(top.section("pipeline")),
            SipConfig.read(top.section("sip")),
            JournalConfig.read(journal),
            TransferConfig.read(top.section("transfer")),
            RedirectConfig.read(top.section("redirect")),
            trunks,
            WebhookConfig.read(top.section("webhook")),
            CdrConfig.read(top.section("cdr")),
            WarmUpConfig.read(top.section("warm-up")),
            OverloadConfig.read(top.section("overload")),
            SecurityConfig.read(top.section("security"), top.items("trunks")),
            TcpConfig.read(top.section("tcp")),
            tls(top, listen, routes),
            LoggingConfig.read(top.section("logging")),
            top.get("hep") == null ? HepConfig.OFF : HepConfig.read(top.section("hep")),
            MediaConfig.read(top.section("media")),
            cluster(top, listen),
            adminToken(top),
            null);
    }

    /**
     * {@code tls}: required by a {@code tls:} listen address or a {@code ;transport=tls} target (what else would
     * Referee present, or trust?); and a TLS target needs a {@code tls:} address to name in its Via and Contact.
     */
    private static TlsConfig tls(final ConfigSection top, final List<ListenAddress> listen, final List<Route> routes)
        throws ConfigException
    {
        final boolean tlsListen = listen.stream().anyMatch(address -> address.transport() == Transport.TLS);
        final boolean tlsTarget = routes.stream().flatMap(route -> route.targets().stream())
            .anyMatch(target -> target.transport() == Transport.TLS);
        if (top.get("tls") == null)
        {
            if (tlsListen)
            {
                throw top.require("listen").error("a tls: address needs the tls section (certificate and key)");
            }
            if (tlsTarget)
            {
                throw top.require("routes").error("a transport=tls target needs the tls section (certificate and key)");
            }
            return null;
        }
        if (tlsTarget && !tlsListen)
        {
            throw top.require("routes").error("a transport=tls target needs a tls: listen address (its Via and " +
                "Contact name it)");
        }
        return TlsConfig.read(top.section("tls"));
    }

    /**
     * {@code cluster}: a member binds {@code listen} only while it leads, and every member binds the same addresses,
     * so their ports must be given (a port 0 would differ from member to member).
     */
    private static ClusterConfig cluster(final ConfigSection top, final List<ListenAddress> listen)
        throws ConfigException
    {
        final ClusterConfig cluster = ClusterConfig.read(top.get("cluster"));
        if (cluster.enabled() && listen.stream().anyMatch(address -> address.address().getPort() == 0))
        {
            throw top.require("listen").error("a cluster member needs its listen ports given, not 0: every member " +
                "binds the same ones when it leads");
        }
        return cluster;
    }

    /**
     * {@code admin-token}: at least 16 characters, so that it cannot be guessed in the attempts an admin port allows;
     * absent: none (admin actions from loopback only).
     */
    private static String adminToken(final ConfigSection top) throws ConfigException
    {
        final String token = top.text("admin-token", null);
        if (token != null && (token.length() < MIN_ADMIN_TOKEN || !token.chars().allMatch(c -> c > ' ' && c < 127)))
        {
            throw top.require("admin-token").error("admin-token must be at least " + MIN_ADMIN_TOKEN +
                " printable characters without spaces");
        }
        return token;
    }

    /** {@code admin}: an address, or disabled by null, "off" or false. */
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
}
