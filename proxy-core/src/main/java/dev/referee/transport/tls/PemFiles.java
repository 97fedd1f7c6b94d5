package dev.referee.transport.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Certificates and private keys from PEM files (RFC 7468), with the JDK alone. Every failure is an
 * {@link IllegalArgumentException} whose message says what to do, for the configuration error that names the key.
 */
public final class PemFiles
{
    private static final String PKCS8_BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String PKCS8_END = "-----END PRIVATE KEY-----";
    /** Largest PEM file read: a long chain is a few KB; anything near this is not a certificate file. */
    private static final long MAX_FILE_BYTES = 1024 * 1024;

    private PemFiles()
    {
    }

    /** Every certificate of {@code file}, in file order; at least one. */
    public static List<X509Certificate> certificates(final Path file)
    {
        final byte[] bytes = read(file);
        try
        {
            final List<X509Certificate> certificates = new ArrayList<>();
            for (final java.security.cert.Certificate certificate :
                CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes)))
            {
                certificates.add((X509Certificate)certificate);
            }
            if (certificates.isEmpty())
            {
                throw new IllegalArgumentException(file + " holds no PEM certificate (BEGIN CERTIFICATE)");
            }
            return certificates;
        }
        catch (final CertificateException ex)
        {
            throw new IllegalArgumentException(file + " is not a PEM certificate file: " + ex.getMessage(), ex);
        }
    }

    /** The PKCS#8 private key of {@code file}: RSA, EC or Ed25519. */
    public static PrivateKey privateKey(final Path file)
    {
        final String text = new String(read(file), StandardCharsets.US_ASCII);
        final int begin = text.indexOf(PKCS8_BEGIN);
        final int end = text.indexOf(PKCS8_END);
        if (begin < 0 || end < begin)
        {
            if (text.contains("-----BEGIN RSA PRIVATE KEY-----") || text.contains("-----BEGIN EC PRIVATE KEY-----"))
            {
                throw new IllegalArgumentException(file + " holds a traditional (PKCS#1/SEC1) key: convert it with " +
                    "`openssl pkcs8 -topk8 -nocrypt -in " + file.getFileName() + "`");
            }
            if (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----"))
            {
                throw new IllegalArgumentException(file + " holds an encrypted key: Referee reads unencrypted " +
                    "PKCS#8 keys (protect the file with its permissions)");
            }
            throw new IllegalArgumentException(file + " holds no PEM private key (BEGIN PRIVATE KEY)");
        }
        final byte[] der;
        try
        {
            der = Base64.getMimeDecoder().decode(text.substring(begin + PKCS8_BEGIN.length(), end));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException(file + ": the private key is not valid base64", ex);
        }
        for (final String algorithm : new String[] {"RSA", "EC", "Ed25519", "EdDSA"})
        {
            try
            {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            }
            catch (final GeneralSecurityException ex)
            {
                // not this algorithm: try the next
            }
        }
        throw new IllegalArgumentException(file + ": the private key is not an RSA, EC or Ed25519 PKCS#8 key");
    }

    private static byte[] read(final Path file)
    {
        try
        {
            if (Files.size(file) > MAX_FILE_BYTES)
            {
                throw new IllegalArgumentException(file + " is larger than " + MAX_FILE_BYTES + " bytes");
            }
            return Files.readAllBytes(file);
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("cannot read " + file + ": " + ex.getMessage(), ex);
        }
    }
}
