package dev.referee.engine.transfer;

import dev.referee.engine.call.B2bua;
import dev.referee.engine.call.Leg;
import dev.referee.engine.config.TrunkConfig;

import java.net.InetSocketAddress;

/**
 * Who may replace a dialog Referee holds (RFC 3891; issue 7, "Who may touch a dialog"), for an INVITE with Replaces
 * and for a REFER whose Refer-To embeds one. Knowing a dialog's Call-ID and tags is not enough:
 * <ul>
 * <li>a party of the named call may: the request comes from the host the named leg or its peer leg talks to (the
 * transferor's own consultation dialog, a phone completing an attended transfer it took part in);</li>
 * <li>a pickup: the requester is in the same trunk as the named call's callee and that trunk has
 * {@code allow-pickup: true} (the phones of one PBX);</li>
 * <li>anyone else gets 403 and the named call is untouched.</li>
 * </ul>
 * The host is compared as the dialog source check does (the port may differ). Engine thread only.
 */
final class ReplacesAuthorization
{
    private final B2bua b2bua;

    ReplacesAuthorization(final B2bua b2bua)
    {
        this.b2bua = b2bua;
    }

    /**
     * Null when the requester at {@code source} may replace {@code named}; else why not, for the Reason of the 403
     * (the refusal is counted against the requester's trunk).
     */
    String refusal(final Leg named, final InetSocketAddress source)
    {
        if (isPeerOf(named, source) || isPeerOf(named.peer(), source))
        {
            return null;
        }
        final TrunkConfig requester = b2bua.trunks().trunkOf(source.getAddress());
        final Leg callee = named.call() == null ? null : named.call().calleeLeg();
        if (callee != null && requester.calls().allowPickup() && callee.trunk() == requester)
        {
            return null;
        }
        b2bua.admission().replacesRefused(requester);
        return requester.calls().allowPickup() ?
            "Replaces names a call of others whose callee is not on trunk " + requester.name() :
            "Replaces names a call of others and trunk " + requester.name() + " does not allow pickup";
    }

    /** {@code leg}'s peer talks from the host of {@code source}. */
    private static boolean isPeerOf(final Leg leg, final InetSocketAddress source)
    {
        return leg != null && leg.flow() != null && leg.flow().getAddress() != null && source != null &&
            leg.flow().getAddress().equals(source.getAddress());
    }
}
