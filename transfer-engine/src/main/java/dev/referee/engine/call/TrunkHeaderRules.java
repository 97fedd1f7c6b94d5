package dev.referee.engine.call;

import dev.referee.engine.config.TrunkHeaderPolicy;
import dev.referee.sip.AsciiView;
import dev.referee.sip.HeaderName;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One trunk's {@link TrunkHeaderPolicy}, made once for the copy loop: a table by header id of what may cross from
 * this trunk's legs (the allow-list plus the known names of {@code pass-headers}), and the {@code pass-headers}
 * names the parser does not know, compared with a received name's bytes. Names in {@code pass-headers} are looked up
 * like received ones, so "k" and "Supported" are the same header, as are "a" and "Accept-Contact". Immutable.
 */
final class TrunkHeaderRules
{
    static final TrunkHeaderRules DEFAULT = new TrunkHeaderRules(TrunkHeaderPolicy.defaults());

    private final boolean trusted;
    private final boolean[] passes = new boolean[HeaderName.COUNT];
    /** Lower-case names from {@code pass-headers} that have no {@link HeaderName} id. */
    private final String[] otherNames;

    TrunkHeaderRules(final TrunkHeaderPolicy policy)
    {
        this.trusted = policy.trusted();
        for (int id = 1; id < HeaderName.COUNT; id++)
        {
            passes[id] = CrossingHeaders.isAllowed(id);
        }
        final List<String> others = new ArrayList<>();
        for (final String name : policy.passHeaders())
        {
            final byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
            final int id = HeaderName.lookup(new UnsafeBuffer(bytes), 0, bytes.length);
            if (id == HeaderName.OTHER)
            {
                others.add(name);
            }
            else if (!CrossingHeaders.isOwn(id) && !CrossingHeaders.isIdentity(id))
            {
                // Referee's own headers and the identity headers follow their own rules, whatever the list says.
                passes[id] = true;
            }
        }
        this.otherNames = others.toArray(new String[0]);
    }

    /** {@code trunks[].trusted}: P-Asserted-Identity and Privacy are taken from this trunk and sent to it. */
    boolean trusted()
    {
        return trusted;
    }

    /**
     * Whether a header received from this trunk, of {@code id} (and, for {@link HeaderName#OTHER}, named
     * {@code name}), may cross to the other leg. Not for the identity headers, which the trust of both sides decides.
     */
    boolean passes(final int id, final AsciiView name)
    {
        if (id != HeaderName.OTHER)
        {
            return passes[id];
        }
        for (final String other : otherNames)
        {
            if (name.equalsIgnoreCase(other))
            {
                return true;
            }
        }
        return false;
    }
}
