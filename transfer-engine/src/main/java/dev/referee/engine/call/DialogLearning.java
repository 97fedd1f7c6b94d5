package dev.referee.engine.call;

import dev.referee.sip.AsciiView;
import dev.referee.sip.NameAddr;
import dev.referee.sip.SipMessage;

import java.net.InetSocketAddress;

/**
 * What a leg learns of its dialog from its peer's messages (RFC 3261 §12.1.2 on the UAC side): from a response to an
 * INVITE Referee sent, the peer's tag, its Contact (the remote target) and, from a 2xx, the route set, with the early
 * dialogs of a forked INVITE kept ({@link EarlyDialogs}); and whether the peer may be told a new From (RFC 4916).
 * Engine thread only.
 */
final class DialogLearning
{
    private final B2bua b2bua;
    private final LegMessages messages;
    private final EarlyDialogs earlyDialogs;
    private final AsciiView scratch = new AsciiView();

    DialogLearning(final B2bua b2bua, final LegMessages messages, final EarlyDialogs earlyDialogs)
    {
        this.b2bua = b2bua;
        this.messages = messages;
        this.earlyDialogs = earlyDialogs;
    }

    /** See {@link B2bua#learnDialog}. */
    void learn(final Leg b, final SipMessage response, final boolean routeSet)
    {
        // A 200 repeats the tag and Contact of the 180 before it: a String is made only for a new value.
        final AsciiView tag = response.to().tag();
        if (b2bua.config().releasesForkedAnswers())
        {
            if (routeSet)
            {
                earlyDialogs.onAnswer(b);
            }
            else
            {
                earlyDialogs.onProvisional(b, tag);
            }
        }
        if (!tag.isEmpty() && !tag.contentEquals(b.remoteTag))
        {
            b.remoteTag = tag.toString();
        }
        if (response.statusCode() < 300 && response.statusCode() >= 200)
        {
            b.fromChange = acceptsFromChange(b, response, b.flow);
        }
        final NameAddr contact = response.contact();
        if (contact != null && !contact.uri().contentEquals(b.remoteTarget))
        {
            b.remoteTarget = contact.uri().toString();
        }
        if (routeSet)
        {
            b.routeSet = messages.recordRoutes(response, true);
        }
    }

    /** See {@link B2bua#acceptsFromChange}. */
    boolean acceptsFromChange(final Leg leg, final SipMessage message, final InetSocketAddress peer)
    {
        return b2bua.config().assertsTargetToTransferee() && peer != null &&
            b2bua.trunks().trunkOf(peer).headers().trusted() && OptionTags.supports(message, "from-change", scratch);
    }
}
