package dev.referee.engine.config;

import dev.referee.config.ConfigException;
import dev.referee.config.ConfigSection;
import dev.referee.config.ConfigValue;

/**
 * RFC 3261 T1, T2, T4 in milliseconds; {@code maxCalls} bounds engine state (503 past it).
 *
 * @param maxTransactions {@code sip.max-transactions}: server transactions held at once. A request outside any
 *                        dialog that would need one more gets a 503 with Retry-After and leaves nothing behind; a
 *                        request of an established dialog is refused only past twice this (the hard bound on
 *                        memory), so a flood of new requests never takes a dialog's BYE its answer.
 * @param sessionExpiresS {@code sip.session-expires}: the session interval (RFC 4028) Referee asks for on the INVITEs
 *                        it sends, and the most it grants a peer asking for more.
 * @param minSeS          {@code sip.min-se}: the least session interval Referee accepts (422 below it, RFC 4028 §8.1).
 */
public record SipConfig(int t1Ms, int t2Ms, int t4Ms, int maxCalls, String userAgent, int maxTransactions,
    int sessionExpiresS, int minSeS)
{
    /** RFC 4028 §4's advice: 30 minutes. */
    public static final int DEFAULT_SESSION_EXPIRES_S = 1800;
    /** RFC 4028 §4: no interval below 90 s; the floor of {@code sip.min-se} too. */
    public static final int DEFAULT_MIN_SE_S = 90;

    /** With the default session timer settings. */
    public SipConfig(final int t1Ms, final int t2Ms, final int t4Ms, final int maxCalls, final String userAgent,
        final int maxTransactions)
    {
        this(t1Ms, t2Ms, t4Ms, maxCalls, userAgent, maxTransactions, DEFAULT_SESSION_EXPIRES_S, DEFAULT_MIN_SE_S);
    }

    /** With {@code max-transactions} at its default for {@code maxCalls}. */
    public SipConfig(final int t1Ms, final int t2Ms, final int t4Ms, final int maxCalls, final String userAgent)
    {
        this(t1Ms, t2Ms, t4Ms, maxCalls, userAgent, defaultMaxTransactions(maxCalls));
    }

    /** The call rate of short calls the default {@code max-transactions} holds the waiting transactions of. */
    public static final int SHORT_CALL_RATE = 4_000;

    /**
     * {@code max-calls} 30,000 and {@code max-transactions} 256,000: what the launcher's 1.5 GiB heap holds with room to
     * spare, measured (DefaultMaxCallsTest, docs/benchmarks.md "Heap per call"): the rings' slots take about 280 MiB, a
     * call up to about 9 KB (a transfer whose target rings), a server transaction about 1.5 KB.
     */
    public static SipConfig defaults()
    {
        return new SipConfig(500, 4_000, 5_000, 30_000, "Referee");
    }

    /**
     * Server transactions are held by the call rate more than by the calls: every call leaves two (its INVITE's,
     * accepted, and its BYE's) waiting 64*T1 = 32 s for retransmissions over UDP, after the call is gone. So the
     * default holds those of {@value #SHORT_CALL_RATE} short calls a second ({@link #rateTransactions}, 256,000), or
     * two per call when {@code max-calls} asks for more. Before, it was twice {@code max-calls} alone (60,000 by
     * default): a warm node refused every new call (503, "transaction limit") after half a minute at 1,000 calls/s,
     * and after ten seconds at 3,000 (docs/overload.md).
     */
    public static int defaultMaxTransactions(final int maxCalls)
    {
        return (int)Math.min(Integer.MAX_VALUE / 2, Math.max(rateTransactions(SHORT_CALL_RATE), 2L * maxCalls));
    }

    /** Server transactions {@code callsPerSecond} calls leave waiting: two each, for 64*T1 (32 s). */
    public static long rateTransactions(final int callsPerSecond)
    {
        return 2L * 32 * callsPerSecond;
    }

    /** The {@code sip} section. */
    public static SipConfig read(final ConfigSection section) throws ConfigException
    {
        section.allowOnly("t1-ms", "t2-ms", "t4-ms", "max-calls", "user-agent", "max-transactions", "session-expires",
            "min-se");
        final SipConfig defaults = defaults();
        final int t1Ms = section.integer("t1-ms", defaults.t1Ms(), 1, 60_000);
        final int t2Ms = section.integer("t2-ms", defaults.t2Ms(), 1, 600_000);
        if (t2Ms < t1Ms)
        {
            // RFC 3261 caps retransmission intervals at T2, which is meaningless below T1.
            final ConfigValue t2 = section.get("t2-ms");
            throw (t2 != null ? t2 : section.require("t1-ms")).error("t2-ms must not be less than t1-ms");
        }
        final int maxCalls = section.integer("max-calls", defaults.maxCalls(), 1, 100_000_000);
        final int minSeS = section.integer("min-se", DEFAULT_MIN_SE_S, DEFAULT_MIN_SE_S, 86_400);
        final int sessionExpiresS = section.integer("session-expires", Math.max(DEFAULT_SESSION_EXPIRES_S, minSeS),
            DEFAULT_MIN_SE_S, 86_400);
        if (sessionExpiresS < minSeS)
        {
            // Referee would ask its peers for an interval it refuses itself (RFC 4028 §4: Session-Expires >= Min-SE).
            throw section.require("session-expires").error("session-expires must not be less than min-se");
        }
        return new SipConfig(
            t1Ms,
            t2Ms,
            section.integer("t4-ms", defaults.t4Ms(), 1, 600_000),
            maxCalls,
            section.text("user-agent", defaults.userAgent()),
            section.integer("max-transactions", defaultMaxTransactions(maxCalls), 1, 200_000_000),
            sessionExpiresS,
            minSeS);
    }
}
