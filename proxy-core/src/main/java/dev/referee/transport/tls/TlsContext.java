package dev.referee.transport.tls;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The JDK's {@link SSLContext} made from a {@link TlsConfig}, and the {@link SSLEngine}s of TLS connections: server
 * side for those accepted on a {@code tls:} listen address, client side for those Referee opens to a target.
 */
public final class TlsContext
{
    private static final char[] NO_PASSWORD = new char[0];

    private final SSLContext context;
    private final TlsConfig config;
    private final String[] protocols;

    private TlsContext(final SSLContext context, final TlsConfig config)
    {
        this.context = context;
        this.config = config;
        this.protocols = config.protocols().toArray(new String[0]);
    }

    /**
     * Reads the files of {@code config} and makes the context.
     *
     * @throws IllegalArgumentException when a file cannot be read, or the key is not the certificate's.
     */
    public static TlsContext create(final TlsConfig config)
    {
        final List<X509Certificate> chain = PemFiles.certificates(config.certificate());
        final PrivateKey key = PemFiles.privateKey(config.key());
        requireMatch(chain.get(0), key);
        try
        {
            final KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("referee", key, NO_PASSWORD, chain.toArray(new X509Certificate[0]));
            final KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, NO_PASSWORD);

            final TrustManagerFactory trustManagers =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (config.ca() == null)
            {
                trustManagers.init((KeyStore)null); // the runtime's public roots
            }
            else
            {
                final KeyStore roots = KeyStore.getInstance("PKCS12");
                roots.load(null, null);
                int i = 0;
                for (final X509Certificate root : PemFiles.certificates(config.ca()))
                {
                    roots.setCertificateEntry("ca-" + i++, root);
                }
                trustManagers.init(roots);
            }

            final SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
            return new TlsContext(context, config);
        }
        catch (final GeneralSecurityException | java.io.IOException ex)
        {
            throw new IllegalArgumentException("cannot make a TLS context: " + ex.getMessage(), ex);
        }
    }

    /** An engine for a connection accepted on a {@code tls:} address; asks for a client certificate when verifying. */
    public SSLEngine serverEngine()
    {
        final SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        engine.setEnabledProtocols(protocols);
        engine.setNeedClientAuth(config.verifyPeer());
        return engine;
    }

    /**
     * An engine for a connection Referee opens to {@code peer}: the server's chain is verified against {@code ca} and
     * its name against the target as configured (host name, or IP address in the certificate's subjectAltName:
     * RFC 5922 asks for the SIP domain; the target is what Referee knows of it). A host name also goes as SNI.
     */
    public SSLEngine clientEngine(final InetSocketAddress peer)
    {
        final SSLEngine engine = context.createSSLEngine(peer.getHostString(), peer.getPort());
        engine.setUseClientMode(true);
        final SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(protocols);
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(parameters);
        return engine;
    }

    /** A key that is not the certificate's would fail every handshake: said when the configuration loads instead. */
    private static void requireMatch(final X509Certificate certificate, final PrivateKey key)
    {
        final String algorithm = switch (key.getAlgorithm())
        {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm(); // Ed25519, EdDSA: the algorithm names its own signature
        };
        try
        {
            final byte[] probe = "referee".getBytes(StandardCharsets.US_ASCII);
            final Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            final byte[] signature = signer.sign();
            final Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            if (!verifier.verify(signature))
            {
                throw new IllegalArgumentException("the key is not the private key of the certificate " +
                    certificate.getSubjectX500Principal().getName());
            }
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalArgumentException("the key is not the private key of the certificate " +
                certificate.getSubjectX500Principal().getName() + ": " + ex.getMessage(), ex);
        }
    }
}
