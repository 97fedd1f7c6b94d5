package dev.referee.transport.tls;

import dev.referee.config.ConfigException;
import dev.referee.config.ConfigSection;
import dev.referee.config.ConfigValue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code tls} section: what a {@code tls:} listen address and a {@code ;transport=tls} target use
 * (docs/security.md, "TLS").
 *
 * @param certificate {@code tls.certificate}: PEM file, Referee's certificate then its chain; presented as server and,
 *                    when a peer asks for one (mutual TLS, e.g. Microsoft Teams Direct Routing), as client.
 * @param key         {@code tls.key}: PEM file, the certificate's private key, unencrypted PKCS#8
 *                    ("BEGIN PRIVATE KEY"); RSA, EC or Ed25519.
 * @param ca          {@code tls.ca}: PEM file of the certificates a peer's chain must end in; null for the Java
 *                    runtime's public roots.
 * @param verifyPeer  {@code tls.verify-peer}: a client connecting to Referee must present a certificate that chains to
 *                    {@code ca} (mutual TLS); default true. Servers Referee connects to are always verified (chain and
 *                    name), whatever this says: a target is trusted only through its certificate.
 * @param protocols   {@code tls.protocols}: among TLSv1.2 and TLSv1.3 (the default, both).
 */
public record TlsConfig(Path certificate, Path key, Path ca, boolean verifyPeer, List<String> protocols)
{
    public static final List<String> ALLOWED_PROTOCOLS = List.of("TLSv1.2", "TLSv1.3");

    public TlsConfig
    {
        protocols = List.copyOf(protocols);
    }

    /**
     * The {@code tls} section, its files read and checked now (so that a missing file or a key that does not match
     * its certificate names the key and line when the configuration loads, not at the first call).
     */
    public static TlsConfig read(final ConfigSection section) throws ConfigException
    {
        section.allowOnly("certificate", "key", "ca", "verify-peer", "protocols");
        final ConfigValue certificate = section.require("certificate");
        final ConfigValue key = section.require("key");
        final ConfigValue ca = section.get("ca");
        final TlsConfig config = new TlsConfig(
            Path.of(certificate.nonEmptyText()),
            Path.of(key.nonEmptyText()),
            ca == null ? null : Path.of(ca.nonEmptyText()),
            section.bool("verify-peer", true),
            protocols(section));
        try
        {
            PemFiles.certificates(config.certificate());
        }
        catch (final IllegalArgumentException ex)
        {
            throw certificate.error(ex.getMessage());
        }
        try
        {
            PemFiles.privateKey(config.key());
        }
        catch (final IllegalArgumentException ex)
        {
            throw key.error(ex.getMessage());
        }
        if (ca != null)
        {
            try
            {
                PemFiles.certificates(config.ca());
            }
            catch (final IllegalArgumentException ex)
            {
                throw ca.error(ex.getMessage());
            }
        }
        try
        {
            TlsContext.create(config);
        }
        catch (final IllegalArgumentException ex)
        {
            throw key.error(ex.getMessage());
        }
        return config;
    }

    private static List<String> protocols(final ConfigSection section) throws ConfigException
    {
        final ConfigValue value = section.get("protocols");
        if (value == null)
        {
            return ALLOWED_PROTOCOLS;
        }
        final List<String> protocols = new ArrayList<>();
        for (final ConfigValue item : value.items())
        {
            final String name = item.nonEmptyText();
            final String spelled = ALLOWED_PROTOCOLS.stream()
                .filter(allowed -> allowed.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT)))
                .findFirst().orElseThrow(() -> item.error("protocol must be one of " + ALLOWED_PROTOCOLS));
            if (!protocols.contains(spelled))
            {
                protocols.add(spelled);
            }
        }
        if (protocols.isEmpty())
        {
            throw value.error("needs at least one of " + ALLOWED_PROTOCOLS);
        }
        return protocols;
    }
}
