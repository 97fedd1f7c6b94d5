package dev.referee.engine.config;

import dev.referee.config.Cidr;
import dev.referee.config.ConfigException;
import dev.referee.config.ConfigSection;
import dev.referee.config.ConfigValue;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the {@code trunks} list: names, source blocks and each trunk's transfer policy. A trunk's {@code flood} key
 * belongs to the receive threads ({@code SecurityConfig.read}).
 */
public final class TrunksReader
{
    private TrunksReader()
    {
    }

    /** The {@code trunks} list; {@code routes} is the {@code routes} list, whose names a trunk's routes must be. */
    public static List<TrunkConfig> trunks(final List<ConfigValue> items, final List<Route> routes)
        throws ConfigException
    {
        final Set<String> routeNames = new HashSet<>();
        for (final Route route : routes)
        {
            if (route.name() != null)
            {
                routeNames.add(route.name());
            }
        }
        final List<TrunkConfig> trunks = new ArrayList<>();
        final Set<String> names = new HashSet<>();
        for (final ConfigValue item : items)
        {
            final ConfigSection trunk = item.section().allowOnly(
                "name", "sources", "transfer", "flood", "routes", "limits", "allow-pickup", "trusted", "pass-headers",
                "auth");
            final ConfigValue name = trunk.require("name");
            if (!names.add(name.nonEmptyText()))
            {
                throw name.error("duplicate trunk name '" + name.text() + "'");
            }
            trunks.add(new TrunkConfig(name.text(), sources(trunk), policy(trunk.section("transfer")),
                calls(trunk, routeNames), headers(trunk), auth(trunk)));
        }
        return trunks;
    }

    private static TrunkCallPolicy calls(final ConfigSection trunk, final Set<String> routeNames)
        throws ConfigException
    {
        final TrunkCallPolicy defaults = TrunkCallPolicy.defaults();
        final List<String> routes = new ArrayList<>();
        for (final ConfigValue item : trunk.items("routes"))
        {
            // A name that matches no route would silently forbid calls the operator meant to allow.
            if (!routeNames.contains(item.nonEmptyText()))
            {
                throw item.error("no route named '" + item.text() + "' (give routes[] a name)");
            }
            routes.add(item.text());
        }
        final ConfigSection limits = trunk.section("limits").allowOnly("calls", "cps", "retry-after");
        return new TrunkCallPolicy(
            routes,
            limits.integer("calls", defaults.maxCalls(), 0, 100_000_000),
            limits.integer("cps", defaults.callsPerSecond(), 0, 1_000_000),
            (int)(limits.durationMs("retry-after", defaults.retryAfterSeconds() * 1_000L, 3_600_000) / 1_000),
            trunk.bool("allow-pickup", defaults.allowPickup()));
    }

    /**
     * {@code auth: {realm, user, password}}, all three required: a realm made up here would have to match what the
     * carrier's equipment was configured with anyway, so it is better said in the file. Realm and user go into quoted
     * strings of the challenge (RFC 7616 §3.3): a quote, backslash or control character is refused.
     */
    private static TrunkAuth auth(final ConfigSection trunk) throws ConfigException
    {
        if (trunk.get("auth") == null)
        {
            return null;
        }
        final ConfigSection auth = trunk.section("auth").allowOnly("realm", "user", "password", "algorithms");
        return TrunkAuth.of(quotable(auth.require("realm")), quotable(auth.require("user")),
            auth.require("password").nonEmptyText(), algorithms(auth));
    }

    /** {@code auth.algorithms}: {@code SHA-256} and {@code MD5}, each at most once, in order of preference. */
    private static List<DigestAlgorithm> algorithms(final ConfigSection auth) throws ConfigException
    {
        final ConfigValue value = auth.get("algorithms");
        if (value == null)
        {
            return TrunkAuth.DEFAULT_ALGORITHMS;
        }
        final List<DigestAlgorithm> algorithms = new ArrayList<>();
        for (final ConfigValue item : value.items())
        {
            final String token = item.nonEmptyText();
            final DigestAlgorithm algorithm = token.equalsIgnoreCase("SHA-256") ? DigestAlgorithm.SHA_256
                : token.equalsIgnoreCase("MD5") ? DigestAlgorithm.MD5 : null;
            if (algorithm == null)
            {
                throw item.error("must be SHA-256 or MD5 (got '" + token + "')");
            }
            if (algorithms.contains(algorithm))
            {
                throw item.error("listed twice");
            }
            algorithms.add(algorithm);
        }
        if (algorithms.isEmpty())
        {
            throw value.error("needs at least one algorithm");
        }
        return algorithms;
    }

    private static String quotable(final ConfigValue value) throws ConfigException
    {
        final String text = value.nonEmptyText();
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c == '"' || c == '\\' || c < 0x20 || c == 0x7F)
            {
                throw value.error("may not contain a quote, backslash or control character");
            }
        }
        return text;
    }

    private static TrunkHeaderPolicy headers(final ConfigSection trunk) throws ConfigException
    {
        final List<String> pass = new ArrayList<>();
        for (final ConfigValue item : trunk.items("pass-headers"))
        {
            final String header = item.nonEmptyText();
            if (!header.matches("[A-Za-z0-9!%*_+`'~.-]+"))
            {
                throw item.error("not a header name (RFC 3261 token): '" + header + "'");
            }
            pass.add(header.toLowerCase(Locale.ROOT));
        }
        return new TrunkHeaderPolicy(trunk.bool("trusted", TrunkHeaderPolicy.defaults().trusted()), pass);
    }

    /** A trunk without sources could never be selected, which is always a mistake. */
    private static List<Cidr> sources(final ConfigSection trunk) throws ConfigException
    {
        final ConfigValue value = trunk.require("sources");
        final List<ConfigValue> items = value.items();
        if (items.isEmpty())
        {
            throw value.error("needs at least one address block");
        }
        final List<Cidr> sources = new ArrayList<>();
        for (final ConfigValue item : items)
        {
            sources.add(item.parsed("address block", Cidr::parse));
        }
        return sources;
    }

    private static TrunkTransferPolicy policy(final ConfigSection section) throws ConfigException
    {
        section.allowOnly("mode", "allow-pstn", "targets", "webhook");
        final TrunkTransferPolicy defaults = TrunkTransferPolicy.defaults();
        final List<Pattern> targets = new ArrayList<>();
        for (final ConfigValue item : section.items("targets"))
        {
            targets.add(item.regex());
        }
        final ConfigValue webhook = section.get("webhook");
        return new TrunkTransferPolicy(
            section.choice("mode", TransferMode.class, defaults.mode()),
            section.bool("allow-pstn", defaults.allowPstn()),
            targets,
            webhook == null ? null : webhook.parsed("webhook URL", TrunksReader::httpUri));
    }

    private static URI httpUri(final String text)
    {
        final URI uri;
        try
        {
            uri = new URI(text);
        }
        catch (final URISyntaxException ex)
        {
            throw new IllegalArgumentException(ex.getMessage());
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme()))
        {
            throw new IllegalArgumentException("scheme must be http or https");
        }
        if (uri.getHost() == null)
        {
            throw new IllegalArgumentException("missing host");
        }
        return uri;
    }
}
