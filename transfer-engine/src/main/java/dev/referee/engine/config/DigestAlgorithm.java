package dev.referee.engine.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The digest algorithms Referee offers (RFC 8760 §2.4, SHA-256 preferred, MD5 for the UAs that know nothing else),
 * with the hash H() of RFC 7616 §3.4: the lowercase hex of the digest of the UTF-8 bytes. The "-sess" variants are not
 * offered: they exist for third-party authentication servers, and Referee is its own. Each call makes its own
 * {@link MessageDigest}, so any thread may use it (the config reader computes HA1, the engine the responses).
 */
public enum DigestAlgorithm
{
    SHA_256("SHA-256"),
    MD5("MD5");

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final String token;

    DigestAlgorithm(final String token)
    {
        this.token = token;
    }

    /** The value of the {@code algorithm} parameter (RFC 7616 §3.3). */
    public String token()
    {
        return token;
    }

    /** The algorithm named {@code token} (case-insensitive); absent means MD5 (RFC 7616 §3.3); null when unknown. */
    public static DigestAlgorithm of(final String token)
    {
        if (token == null || token.equalsIgnoreCase(MD5.token))
        {
            return MD5;
        }
        return token.equalsIgnoreCase(SHA_256.token) ? SHA_256 : null;
    }

    /** H(text): lowercase hex of the digest of the UTF-8 bytes of {@code text}. */
    public String hash(final String text)
    {
        final byte[] digest = digest().digest(text.getBytes(StandardCharsets.UTF_8));
        final char[] hex = new char[digest.length * 2];
        for (int i = 0; i < digest.length; i++)
        {
            hex[2 * i] = HEX[(digest[i] >> 4) & 0xF];
            hex[2 * i + 1] = HEX[digest[i] & 0xF];
        }
        return new String(hex);
    }

    /** HA1 = H(username ":" realm ":" password) (RFC 7616 §3.4.2): what the journal keeps instead of the password. */
    public String ha1(final String user, final String realm, final String password)
    {
        return hash(user + ':' + realm + ':' + password);
    }

    private MessageDigest digest()
    {
        try
        {
            return MessageDigest.getInstance(token);
        }
        catch (final NoSuchAlgorithmException ex)
        {
            // Every Java platform must provide MD5 and SHA-256 (MessageDigest's Javadoc).
            throw new IllegalStateException(ex);
        }
    }
}
