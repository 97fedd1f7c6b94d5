package dev.referee.engine.auth;

import dev.referee.engine.config.DigestAlgorithm;
import dev.referee.engine.config.TrunkAuth;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The request-digest against the published examples: RFC 7616 §3.9.1 (SHA-256 and MD5) and RFC 2617 §3.5. */
class DigestResponseTest
{
    private static final String RFC7616_NONCE = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
    private static final String RFC7616_CNONCE = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

    private static String rfc7616(final DigestAlgorithm algorithm)
    {
        final TrunkAuth auth = TrunkAuth.of("http-auth@example.org", "Mufasa", "Circle of Life");
        return DigestResponse.of(algorithm, auth.ha1(algorithm), RFC7616_NONCE, "00000001", RFC7616_CNONCE, "auth",
            "GET", "/dir/index.html");
    }

    @Test
    void shouldComputeTheSha256ResponseOfRfc7616Section391()
    {
        assertEquals("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
            rfc7616(DigestAlgorithm.SHA_256));
    }

    @Test
    void shouldComputeTheMd5ResponseOfRfc7616Section391()
    {
        assertEquals("8ca523f5e9506fed4657c9700eebdbec", rfc7616(DigestAlgorithm.MD5));
    }

    @Test
    void shouldComputeTheResponseOfRfc2617Section35()
    {
        final String ha1 = DigestAlgorithm.MD5.ha1("Mufasa", "testrealm@host.com", "Circle Of Life");
        assertEquals("6629fae49393a05397450978507c4ef1", DigestResponse.of(DigestAlgorithm.MD5, ha1,
            "dcd98b7102dd2f0e8b11d0f600bfb0c093", "00000001", "0a4f113b", "auth", "GET", "/dir/index.html"));
    }

    @Test
    void shouldTakeMd5WhenNoAlgorithmIsNamedAndRefuseTheSessVariants()
    {
        assertEquals(DigestAlgorithm.MD5, DigestAlgorithm.of(null));
        assertEquals(DigestAlgorithm.SHA_256, DigestAlgorithm.of("sha-256"));
        assertNull(DigestAlgorithm.of("SHA-256-sess"));
        assertNull(DigestAlgorithm.of("MD5-sess"));
    }

    @Test
    void shouldHideTheHa1ValuesWhenPrinted()
    {
        final TrunkAuth auth = TrunkAuth.of("realm", "user", "secret");
        assertFalse(auth.toString().contains(auth.ha1Md5()), auth::toString);
        assertFalse(auth.toString().contains(auth.ha1Sha256()), auth::toString);
        assertTrue(auth.toString().contains("user"));
    }

    @Test
    void shouldParseCredentialsWithQuotedAndTokenValuesInAnyOrder()
    {
        final DigestCredentials credentials = new DigestCredentials();
        assertTrue(credentials.parse("Digest username=\"Mu\\\"fasa\", realm=\"r\",nonce=\"n\" , uri=\"sip:a@b\"," +
            " response=\"abc\", algorithm=SHA-256, qop=auth, nc=00000001, cnonce=\"c\", opaque=\"o\""));
        assertEquals("Mu\"fasa", credentials.username);
        assertEquals("r", credentials.realm);
        assertEquals("n", credentials.nonce);
        assertEquals("sip:a@b", credentials.uri);
        assertEquals("abc", credentials.response);
        assertEquals("SHA-256", credentials.algorithm);
        assertEquals("auth", credentials.qop);
        assertEquals("00000001", credentials.nc);
        assertEquals("c", credentials.cnonce);
        assertFalse(credentials.parse("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="));
        assertFalse(credentials.parse("Digest username=\"unterminated"));
    }
}
