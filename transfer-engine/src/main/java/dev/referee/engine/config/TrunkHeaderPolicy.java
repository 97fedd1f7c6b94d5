package dev.referee.engine.config;

import java.util.List;

/**
 * What of a trunk's headers crosses to the other leg, and what is believed (issue 7, "What crosses").
 *
 * @param trusted     {@code trunks[i].trusted}: P-Asserted-Identity and Privacy (RFC 3325, RFC 3323) are accepted
 *                    from this trunk and sent toward it; removed otherwise.
 * @param passHeaders {@code trunks[i].pass-headers}: header names, beyond the allow-list of docs/security.md, that
 *                    may cross from this trunk's leg to the other one (lower case).
 */
public record TrunkHeaderPolicy(boolean trusted, List<String> passHeaders)
{
    public TrunkHeaderPolicy
    {
        passHeaders = List.copyOf(passHeaders);
    }

    /** Not trusted, nothing beyond the allow-list. */
    public static TrunkHeaderPolicy defaults()
    {
        return new TrunkHeaderPolicy(false, List.of());
    }
}
