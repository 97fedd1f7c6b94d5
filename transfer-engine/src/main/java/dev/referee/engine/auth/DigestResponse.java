package dev.referee.engine.auth;

import dev.referee.engine.config.DigestAlgorithm;

/**
 * The request-digest a client computes and the server recomputes (RFC 7616 §3.4.1, RFC 2617 §3.2.2.1): with
 * {@code qop=auth}, KD(HA1, nonce ":" nc ":" cnonce ":" qop ":" HA2); without qop (RFC 2069), KD(HA1, nonce ":" HA2);
 * where KD(secret, data) = H(secret ":" data) and HA2 = H(method ":" digest-uri).
 */
public final class DigestResponse
{
    private DigestResponse()
    {
    }

    /** The expected {@code response} parameter; {@code qop} null for the RFC 2069 form (nc and cnonce unused). */
    public static String of(final DigestAlgorithm algorithm, final String ha1, final String nonce, final String nc,
        final String cnonce, final String qop, final String method, final String uri)
    {
        final String ha2 = algorithm.hash(method + ':' + uri);
        final String data = qop == null ? nonce + ':' + ha2 : nonce + ':' + nc + ':' + cnonce + ':' + qop + ':' + ha2;
        return algorithm.hash(ha1 + ':' + data);
    }
}
