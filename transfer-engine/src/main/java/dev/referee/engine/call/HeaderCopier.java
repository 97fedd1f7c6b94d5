package dev.referee.engine.call;

import dev.referee.engine.config.TrunkConfig;
import dev.referee.engine.config.TrunkDirectory;
import dev.referee.sip.AsciiView;
import dev.referee.sip.HeaderName;
import dev.referee.sip.SipMessage;
import dev.referee.sip.SipMessageWriter;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies the headers of a message received on one leg that may cross into the message relayed on the other (issue 7,
 * "What crosses" in docs/security.md): the allow-list of {@link CrossingHeaders}, what the sending trunk lists in
 * {@code pass-headers}, and P-Asserted-Identity and Privacy (RFC 3325, RFC 3323) only from a trusted trunk toward a
 * trusted trunk. Everything else stays on its side. Referee writes its own Via, Route, From, To, Call-ID, CSeq,
 * Max-Forwards, Contact, User-Agent or Server. Engine thread only; nothing allocated per message.
 */
final class HeaderCopier
{
    /**
     * At most this many header values are copied into one message; the rest stay behind (counted). Referee's own
     * headers come on top, and a message is not accepted with more than {@link SipMessage#MAX_HEADERS} values, by
     * Referee or by many peers: half of it is more than any real request carries.
     */
    static final int MAX_COPIED = SipMessage.MAX_HEADERS / 2;

    /** The rules of each configured trunk, by identity: a lookup per message, no hashing of the policy. */
    private final Map<TrunkConfig, TrunkHeaderRules> rules = new IdentityHashMap<>();
    /**
     * What was not copied before the header policy, for journals written then ({@link #beforeHeaderPolicy}): null
     * with the policy.
     */
    private final boolean[] beforePolicyNotCopied;
    private final AsciiView name = new AsciiView();
    private final AsciiView value = new AsciiView();
    private long leftBehind;

    /** With the trunks of the configuration; any other trunk (and {@link TrunkDirectory#DEFAULT}) gets the defaults. */
    HeaderCopier(final List<TrunkConfig> trunks)
    {
        this.beforePolicyNotCopied = null;
        for (final TrunkConfig trunk : trunks)
        {
            rules.put(trunk, new TrunkHeaderRules(trunk.headers()));
        }
    }

    private HeaderCopier(final boolean[] notCopied)
    {
        this.beforePolicyNotCopied = notCopied;
    }

    /**
     * The copier of Referee before the header policy: every header but those naming one side's topology or dialog and
     * the extensions it did not implement. Only to replay a journal written then exactly (EngineConfig.headerPolicy).
     */
    static HeaderCopier beforeHeaderPolicy()
    {
        final boolean[] notCopied = new boolean[HeaderName.COUNT];
        for (final int id : new int[]{
            HeaderName.VIA, HeaderName.FROM, HeaderName.TO, HeaderName.CALL_ID, HeaderName.CSEQ, HeaderName.CONTACT,
            HeaderName.MAX_FORWARDS, HeaderName.CONTENT_LENGTH, HeaderName.CONTENT_TYPE, HeaderName.ROUTE,
            HeaderName.RECORD_ROUTE, HeaderName.SUPPORTED, HeaderName.REQUIRE, HeaderName.PROXY_REQUIRE,
            HeaderName.RSEQ, HeaderName.RACK, HeaderName.SESSION_EXPIRES, HeaderName.MIN_SE})
        {
            notCopied[id] = true;
        }
        return new HeaderCopier(notCopied);
    }

    /** Copies what may cross from a message received from {@code sender}'s peer into one sent to {@code receiver}'s. */
    void copy(final SipMessage from, final SipMessageWriter to, final boolean contacts, final TrunkConfig sender,
        final TrunkConfig receiver)
    {
        copy(from, to, contacts, rulesOf(sender), rulesOf(receiver));
    }

    /** As above, with the rules of both trunks; with {@code contacts} also Contact (a 3xx's alternatives). */
    void copy(final SipMessage from, final SipMessageWriter to, final boolean contacts, final TrunkHeaderRules sender,
        final TrunkHeaderRules receiver)
    {
        final boolean identity = sender.trusted() && receiver.trusted();
        int copied = 0;
        for (int i = 0, n = from.headerCount(); i < n; i++)
        {
            final int id = from.headerId(i);
            final boolean crosses;
            if (beforePolicyNotCopied != null)
            {
                crosses = !beforePolicyNotCopied[id] || contacts && id == HeaderName.CONTACT;
            }
            else if (id == HeaderName.CONTACT)
            {
                crosses = contacts;
            }
            else if (CrossingHeaders.isIdentity(id))
            {
                crosses = identity;
            }
            else
            {
                crosses = !CrossingHeaders.isOwn(id) && sender.passes(id, from.headerName(i, name));
            }
            if (!crosses)
            {
                continue;
            }
            if (copied == MAX_COPIED)
            {
                leftBehind++;
                continue;
            }
            copied++;
            // Known headers go out under their long name: what a compact form hid is visible on the other side too.
            final CharSequence headerName = id == HeaderName.OTHER ?
                from.headerName(i, name) : HeaderName.canonicalName(id);
            to.header(headerName, from.headerValue(i, value));
        }
    }

    /** The rules of {@code trunk}; the defaults (untrusted, the allow-list only) for a trunk not configured. */
    TrunkHeaderRules rulesOf(final TrunkConfig trunk)
    {
        final TrunkHeaderRules found = rules.get(trunk);
        return found == null ? TrunkHeaderRules.DEFAULT : found;
    }

    /** Header values that could have crossed but were past {@link #MAX_COPIED} in their message. */
    long leftBehind()
    {
        return leftBehind;
    }

    /** Ends the message with the received message's body, or none. */
    static void endWithBodyOf(final SipMessage from, final SipMessageWriter to)
    {
        if (from.bodyLength() > 0)
        {
            to.endWithBody(from.contentType(), from.buffer(), from.bodyOffset(), from.bodyLength());
        }
        else
        {
            to.endWithoutBody();
        }
    }
}
