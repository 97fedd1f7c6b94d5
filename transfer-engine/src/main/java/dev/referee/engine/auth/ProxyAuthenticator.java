package dev.referee.engine.auth;

import dev.referee.engine.config.DigestAlgorithm;
import dev.referee.engine.config.TrunkAuth;
import dev.referee.engine.config.TrunkConfig;
import dev.referee.engine.counters.TrunkCounters;
import dev.referee.engine.id.IdGenerator;
import dev.referee.engine.id.IdKey;
import dev.referee.engine.transaction.ServerTransaction;
import dev.referee.engine.transaction.TransactionLayer;
import dev.referee.sip.AsciiView;
import dev.referee.sip.HeaderName;
import dev.referee.sip.SipMessage;
import dev.referee.sip.SipMessageWriter;
import dev.referee.sip.SipStatus;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Digest authentication of a trunk's INVITEs and REFERs (RFC 3261 §22.3, RFC 7616, RFC 8760), as a proxy does it: a
 * request without valid Proxy-Authorization credentials gets 407 with one Proxy-Authenticate challenge per algorithm of
 * the trunk's {@code auth.algorithms}, by default SHA-256 first and MD5 second (RFC 8760 §2.4: in order of preference),
 * all {@code qop="auth"} on the same fresh nonce. An answer with an algorithm not offered does not verify.
 * <p>
 * Credentials are accepted with {@code qop=auth} (nc, cnonce) and, for the UAs of RFC 2069, without qop: the nonce is
 * single use whichever form, which is what qop's nonce count would otherwise add. A valid answer to an expired or
 * already used nonce gets a new challenge with {@code stale=true} (RFC 7616 §3.3: the UA may retry without asking its
 * user); a wrong username, algorithm or response, or a nonce Referee did not make, gets a new challenge and counts as
 * a failure. Responses are compared in constant time. Engine thread only.
 */
public final class ProxyAuthenticator
{
    /** Retry-After of the 503 when the single-use record is full: nonces expire within a lifetime. */
    private static final int FULL_RETRY_AFTER_S = 1;
    private static final String FULL_REASON = "SIP;cause=503;text=\"authentication nonce record full\"";

    /** The outcome of {@link #admit}. */
    public enum Verdict
    {
        /** The trunk does not authenticate, or the credentials are good: carry on. */
        PASS,
        /** Answered 407 (or 503): the request goes no further. */
        ANSWERED
    }

    private final TransactionLayer transactions;
    private final IdGenerator ids;
    private final IdKey key;
    private TrunkCounters counters;
    private final Map<TrunkConfig, Integer> indexOf = new IdentityHashMap<>();
    private Nonces nonces;
    private final DigestCredentials credentials = new DigestCredentials();
    private final AsciiView view = new AsciiView();

    /** {@code counters}: the per-trunk counters, rows in the order of {@code trunks}. */
    public ProxyAuthenticator(final List<TrunkConfig> trunks, final IdKey key, final TransactionLayer transactions,
        final IdGenerator ids, final TrunkCounters counters)
    {
        this.key = key;
        this.transactions = transactions;
        this.ids = ids;
        this.counters = counters;
        this.nonces = new Nonces(key, index(trunks) ? Nonces.USED_CAPACITY : 0);
    }

    /**
     * A reload: the trunks (and their rows in {@code counters}) of the new configuration. Nonces issued before stay
     * valid; the single-use record is made when a trunk authenticates for the first time.
     */
    public void reconfigure(final List<TrunkConfig> trunks, final TrunkCounters counters)
    {
        this.counters = counters;
        if (index(trunks) && nonces.capacity() == 0)
        {
            nonces = nonces.withCapacity(key, Nonces.USED_CAPACITY);
        }
    }

    /** Indexes {@code trunks}' rows; true when any of them authenticates. */
    private boolean index(final List<TrunkConfig> trunks)
    {
        indexOf.clear();
        boolean any = false;
        for (int i = 0; i < trunks.size(); i++)
        {
            indexOf.put(trunks.get(i), i);
            any |= trunks.get(i).auth() != null;
        }
        return any;
    }

    /** The nonces issued and answered (for the snapshot). */
    public Nonces nonces()
    {
        return nonces;
    }

    /**
     * {@code request} from {@code trunk} at {@code nowNs}, its server transaction {@code st} not yet answered: PASS
     * when the trunk has no {@code auth} or the request carries good credentials (its nonce is used up now), else
     * answered here.
     */
    public Verdict admit(final TrunkConfig trunk, final SipMessage request, final ServerTransaction st,
        final long nowNs)
    {
        final TrunkAuth auth = trunk.auth();
        if (auth == null)
        {
            return Verdict.PASS;
        }
        final Outcome outcome = verify(auth, request, nowNs);
        if (outcome == Outcome.GOOD)
        {
            if (nonces.consume(nowNs))
            {
                return Verdict.PASS;
            }
            respondFull(st);
            return Verdict.ANSWERED;
        }
        final Integer index = indexOf.get(trunk);
        if (index != null)
        {
            counters.increment(index, TrunkCounters.AUTH_CHALLENGED);
            if (outcome == Outcome.FAILED)
            {
                counters.increment(index, TrunkCounters.AUTH_FAILED);
            }
        }
        challenge(st, auth, outcome == Outcome.STALE, nowNs);
        return Verdict.ANSWERED;
    }

    private enum Outcome
    {
        /** Good credentials on a fresh nonce. */
        GOOD,
        /** No credentials for this realm: the first request of a UA, not a failure. */
        NONE,
        /** Good credentials on a nonce expired or used before. */
        STALE,
        /** Credentials that do not verify. */
        FAILED
    }

    private Outcome verify(final TrunkAuth auth, final SipMessage request, final long nowNs)
    {
        if (!findCredentials(auth, request))
        {
            return Outcome.NONE;
        }
        final DigestCredentials c = credentials;
        final DigestAlgorithm algorithm = DigestAlgorithm.of(c.algorithm);
        // The uri is not compared with the Request-URI (RFC 7616 §3.4.6 would): SIPp 3.6 sends the host alone, and
        // other UAs a URI that a proxy before Referee has since rewritten. The response covers the uri sent; the
        // nonce, single use, is what keeps an answer from serving a second request.
        if (algorithm == null || !auth.algorithms().contains(algorithm) || !auth.user().equals(c.username) ||
            c.response == null || c.uri == null)
        {
            return Outcome.FAILED;
        }
        if (c.qop != null && (!c.qop.equalsIgnoreCase("auth") || c.nc == null || c.cnonce == null))
        {
            return Outcome.FAILED;
        }
        final Nonces.Check check = nonces.check(c.nonce, nowNs);
        if (check == Nonces.Check.FORGED)
        {
            return Outcome.FAILED;
        }
        final String expected = DigestResponse.of(algorithm, auth.ha1(algorithm), c.nonce, c.nc, c.cnonce,
            c.qop == null ? null : "auth", request.methodName().toString(), c.uri);
        // Constant time: how long the comparison takes says nothing of how much of the response was right.
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
            c.response.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII)))
        {
            return Outcome.FAILED;
        }
        return check == Nonces.Check.FRESH ? Outcome.GOOD : Outcome.STALE;
    }

    /** The Proxy-Authorization of this realm (a request may carry others, for proxies further on: RFC 3261 §22.3). */
    private boolean findCredentials(final TrunkAuth auth, final SipMessage request)
    {
        for (int i = request.findHeader(HeaderName.PROXY_AUTHORIZATION, 0); i >= 0;
            i = request.findHeader(HeaderName.PROXY_AUTHORIZATION, i + 1))
        {
            if (credentials.parse(request.headerValue(i, view)) && auth.realm().equals(credentials.realm))
            {
                return true;
            }
        }
        return false;
    }

    private void challenge(final ServerTransaction st, final TrunkAuth auth, final boolean stale, final long nowNs)
    {
        if (st.localTag == null)
        {
            st.localTag = ids.tag(0);
        }
        final String nonce = nonces.issue(nowNs);
        final SipMessageWriter writer = transactions.startResponse(st, SipStatus.PROXY_AUTHENTICATION_REQUIRED);
        for (final DigestAlgorithm algorithm : auth.algorithms())
        {
            writer.startHeader("Proxy-Authenticate")
                .append("Digest realm=\"").append(auth.realm())
                .append("\", nonce=\"").append(nonce)
                .append("\", algorithm=").append(algorithm.token())
                .append(", qop=\"auth\"");
            if (stale)
            {
                writer.append(", stale=true");
            }
            writer.endHeader();
        }
        writer.endWithoutBody();
        transactions.send(st, SipStatus.PROXY_AUTHENTICATION_REQUIRED);
    }

    private void respondFull(final ServerTransaction st)
    {
        if (st.localTag == null)
        {
            st.localTag = ids.tag(0);
        }
        final SipMessageWriter writer = transactions.startResponse(st, SipStatus.SERVICE_UNAVAILABLE);
        writer.header("Retry-After", FULL_RETRY_AFTER_S);
        writer.header("Reason", FULL_REASON);
        writer.endWithoutBody();
        transactions.send(st, SipStatus.SERVICE_UNAVAILABLE);
    }
}
