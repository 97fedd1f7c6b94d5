package dev.referee.engine.config;


import java.util.List;

/**
 * {@code trunks[i].auth}: digest authentication of the trunk's INVITEs and REFERs (RFC 3261 §22, RFC 8760). Only the
 * HA1 values are kept, H(user:realm:password) per algorithm (RFC 7616 §3.4.2): they verify responses as the password
 * would, authenticate to this realm only, and never give the password back; the journal records them, not the
 * password (docs/security.md, Authentication).
 * <p>
 * {@link #toString()} hides the HA1 values: a configuration printed in a log must not give them away.
 *
 * @param realm     {@code auth.realm}: the protection space the trunk's credentials belong to.
 * @param user      {@code auth.user}: the username the trunk must present.
 * @param ha1Sha256 H(user:realm:password) with SHA-256, lowercase hex.
 * @param ha1Md5    H(user:realm:password) with MD5, lowercase hex.
 * @param algorithms {@code auth.algorithms}: the challenges offered, in order of preference (RFC 8760 §2.4), and the
 *                  only algorithms accepted; SHA-256 then MD5 unless configured. MD5 alone is for UAs that answer only
 *                  the first challenge and know only MD5 (SIPp 3.6, many older phones).
 */
public record TrunkAuth(String realm, String user, String ha1Sha256, String ha1Md5, List<DigestAlgorithm> algorithms)
{
    /** SHA-256 first, then MD5: every UA finds one it knows, the better one first. */
    public static final List<DigestAlgorithm> DEFAULT_ALGORITHMS = List.of(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5);

    public TrunkAuth
    {
        algorithms = List.copyOf(algorithms);
        if (algorithms.isEmpty())
        {
            throw new IllegalArgumentException("no digest algorithm");
        }
    }

    /** From the password as configured, both algorithms offered: it is hashed here and not kept. */
    public static TrunkAuth of(final String realm, final String user, final String password)
    {
        return of(realm, user, password, DEFAULT_ALGORITHMS);
    }

    /** From the password as configured, offering {@code algorithms} in that order. */
    public static TrunkAuth of(final String realm, final String user, final String password,
        final List<DigestAlgorithm> algorithms)
    {
        return new TrunkAuth(realm, user, DigestAlgorithm.SHA_256.ha1(user, realm, password),
            DigestAlgorithm.MD5.ha1(user, realm, password), algorithms);
    }

    /** The HA1 of {@code algorithm}. */
    public String ha1(final DigestAlgorithm algorithm)
    {
        return algorithm == DigestAlgorithm.SHA_256 ? ha1Sha256 : ha1Md5;
    }

    @Override
    public String toString()
    {
        return "TrunkAuth[realm=" + realm + ", user=" + user + ", algorithms=" + algorithms + ", ha1=hidden]";
    }
}
