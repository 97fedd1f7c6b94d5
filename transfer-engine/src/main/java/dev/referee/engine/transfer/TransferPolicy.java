package dev.referee.engine.transfer;

import dev.referee.engine.config.TransferMode;
import dev.referee.engine.config.TrunkConfig;
import dev.referee.engine.config.TrunkDirectory;
import dev.referee.engine.config.TrunkTransferPolicy;
import dev.referee.sip.AsciiView;
import dev.referee.sip.SipUri;

import java.net.InetAddress;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides what happens to a REFER: the trunk is chosen by the request's source address (first match; with no
 * trunk configured, or none matching, the default trunk: terminate, no PSTN, any routable target), then the
 * trunk's mode, PSTN rule and target patterns are applied. Toll fraud through transfer (a compromised phone
 * transferring a call to a premium number) is what {@code allow-pstn: false} and {@code targets} stop.
 * Engine thread only (matchers are reused).
 */
public final class TransferPolicy
{
    /** A decision, reused: read it before the next {@link #decide}. */
    public static final class Decision
    {
        TransferMode mode;
        String trunk;
        String refusal;
        TrunkTransferPolicy policy;

        public TransferMode mode()
        {
            return mode;
        }

        /** Name of the trunk, "default" for the default trunk. */
        public String trunk()
        {
            return trunk;
        }

        /** Why the transfer is refused (the Reason text of the 403); null when it is allowed. */
        public String refusal()
        {
            return refusal;
        }

        public boolean allowed()
        {
            return refusal == null;
        }

        /** The trunk's transfer settings (webhook among them). */
        public TrunkTransferPolicy policy()
        {
            return policy;
        }
    }

    private static final Pattern E164 = Pattern.compile("\\+?[0-9]{7,15}");

    private final TrunkConfig[] trunks;
    private final TrunkDirectory directory;
    private final Matcher[][] targetMatchers;
    private final Matcher pstnMatcher = E164.matcher("");
    private final AsciiView view = new AsciiView();
    private final Decision decision = new Decision();

    /** Classifying sources with {@code directory}, the engine's one view of {@code trunks}. */
    public TransferPolicy(final List<TrunkConfig> trunks, final TrunkDirectory directory)
    {
        this.directory = directory;
        this.trunks = trunks.toArray(new TrunkConfig[0]);
        this.targetMatchers = new Matcher[this.trunks.length][];
        for (int i = 0; i < this.trunks.length; i++)
        {
            final List<Pattern> targets = policyOf(this.trunks[i]).targets();
            targetMatchers[i] = new Matcher[targets.size()];
            for (int j = 0; j < targets.size(); j++)
            {
                targetMatchers[i][j] = targets.get(j).matcher("");
            }
        }
    }

    /** The decision for a REFER from {@code source} to {@code target}. */
    public Decision decide(final InetAddress source, final SipUri target)
    {
        final int trunk = directory.indexOf(source);
        final TrunkTransferPolicy policy = trunk < 0 ? TrunkTransferPolicy.defaults() : policyOf(trunks[trunk]);
        decision.trunk = trunk < 0 ? "default" : trunks[trunk].name();
        decision.mode = policy.mode();
        decision.policy = policy;
        decision.refusal = null;
        if (policy.mode() == TransferMode.REJECT)
        {
            decision.refusal = "transfer not allowed on trunk " + decision.trunk;
        }
        else if (policy.mode() == TransferMode.TERMINATE)
        {
            decision.refusal = refusal(trunk, policy, target);
        }
        return decision;
    }

    /** True for tel: URIs, user=phone SIP URIs and E.164-looking user parts. */
    public boolean isPstn(final SipUri target)
    {
        if (target.isTel())
        {
            return true;
        }
        if (target.param("user", view) && view.equalsIgnoreCase("phone"))
        {
            return true;
        }
        return pstnMatcher.reset(withoutVisualSeparators(target.user())).matches();
    }

    private String refusal(final int trunk, final TrunkTransferPolicy policy, final SipUri target)
    {
        if (!target.isSip() && !target.isTel())
        {
            return "unsupported transfer target scheme";
        }
        if (!policy.allowPstn() && isPstn(target))
        {
            return "PSTN transfer target not allowed";
        }
        if (trunk >= 0 && targetMatchers[trunk].length > 0)
        {
            for (final Matcher matcher : targetMatchers[trunk])
            {
                if (matcher.reset(target.user()).matches())
                {
                    return null;
                }
            }
            return "transfer target not allowed";
        }
        return null;
    }

    private static TrunkTransferPolicy policyOf(final TrunkConfig trunk)
    {
        return trunk.transfer() != null ? trunk.transfer() : TrunkTransferPolicy.defaults();
    }

    /** "+1 (555) 010-9999" reads as "+15550109999": RFC 3966 visual separators do not make a number safe. */
    private static CharSequence withoutVisualSeparators(final AsciiView user)
    {
        boolean clean = true;
        for (int i = 0; i < user.length() && clean; i++)
        {
            final char c = user.charAt(i);
            clean = c != '-' && c != '.' && c != '(' && c != ')';
        }
        if (clean)
        {
            return user;
        }
        final StringBuilder digits = new StringBuilder(user.length());
        for (int i = 0; i < user.length(); i++)
        {
            final char c = user.charAt(i);
            if (c != '-' && c != '.' && c != '(' && c != ')')
            {
                digits.append(c);
            }
        }
        return digits;
    }
}
