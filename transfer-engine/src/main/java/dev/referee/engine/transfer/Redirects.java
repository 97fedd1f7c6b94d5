package dev.referee.engine.transfer;

import dev.referee.config.ListenAddress;
import dev.referee.engine.call.B2bua;
import dev.referee.engine.call.Call;
import dev.referee.engine.call.Leg;
import dev.referee.engine.call.RedirectListener;
import dev.referee.engine.config.Route;
import dev.referee.sip.AsciiView;
import dev.referee.sip.HeaderName;
import dev.referee.sip.NameAddr;
import dev.referee.sip.SipMessage;
import dev.referee.sip.SipUri;
import dev.referee.transport.Transport;

import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Follows a callee's 3xx (RFC 3261 §8.1.3.4) without the caller seeing it: each Contact in q order, at most
 * {@code redirect.max} per call, each under the transfer policy (a redirect to a premium number is the same toll
 * fraud as a transfer to one) and only through {@code routes}: a Contact whose host is an IP address goes there only
 * when that address is the target of a route (a callee Referee already calls); any other is routed by its user part,
 * as a dialled user. So a callee cannot send Referee's calls, with the caller's offer, to an address the operator
 * never configured. A destination that is one of Referee's own listening addresses is skipped: it would loop. No DNS:
 * the engine never blocks, so a Contact naming a host is routed like a dialled user. Engine thread only.
 */
public final class Redirects implements RedirectListener
{
    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

    private final B2bua b2bua;
    private final TransferPolicyInForce policy;
    private final AsciiView view = new AsciiView();
    private final AsciiView q = new AsciiView();
    private final NameAddr contact = new NameAddr();
    private final SipUri uri = new SipUri();

    Redirects(final B2bua b2bua)
    {
        this.b2bua = b2bua;
        this.policy = new TransferPolicyInForce(b2bua);
    }

    /** A 3xx answered the callee's INVITE: returns true when an INVITE to one of its Contacts went out instead. */
    @Override
    public boolean onRedirect(final Call call, final SipMessage response)
    {
        if (b2bua.config().redirect().max() <= 0)
        {
            return false;
        }
        addContacts(call, response);
        final Leg callee = call.calleeLeg();
        while (!call.redirectTargets().isEmpty() && call.redirects() < b2bua.config().redirect().max())
        {
            final String target = call.redirectTargets().remove(0);
            final byte[] bytes = target.getBytes(StandardCharsets.US_ASCII);
            if (!uri.wrap(new UnsafeBuffer(bytes), 0, bytes.length) || !(uri.isSip() || uri.isTel()))
            {
                continue;
            }
            if (!policy.get().decide(callee.flow().getAddress(), uri).allowed())
            {
                continue;
            }
            final InetSocketAddress destination = destination(uri);
            if (destination == null)
            {
                continue;
            }
            call.redirectFollowed();
            final int transport = transport(uri, callee);
            callee.retarget(withoutHeaders(target), transport, destination);
            b2bua.redirectCallee(call);
            return true;
        }
        return false;
    }

    private void addContacts(final Call call, final SipMessage response)
    {
        final List<String> found = new ArrayList<>(4);
        final List<Double> weights = new ArrayList<>(4);
        for (int i = response.findHeader(HeaderName.CONTACT, 0); i >= 0;
            i = response.findHeader(HeaderName.CONTACT, i + 1))
        {
            response.headerValue(i, view);
            if (!contact.wrap(view.buffer(), view.offset(), view.length()))
            {
                continue;
            }
            final String target = contact.uri().toString();
            if (call.tryTarget(target))
            {
                double weight = 1.0;
                if (contact.param("q", q))
                {
                    try
                    {
                        weight = Double.parseDouble(q.toString());
                    }
                    catch (final NumberFormatException ignored)
                    {
                        weight = 0.0;
                    }
                }
                int at = 0;
                while (at < weights.size() && weights.get(at) >= weight)
                {
                    at++; // stable: equal q keeps the order written
                }
                found.add(at, target);
                weights.add(at, weight);
            }
        }
        if (!found.isEmpty())
        {
            if (call.redirectTargets().isEmpty())
            {
                call.redirectTargets(new java.util.ArrayList<>(found));
            }
            else
            {
                call.redirectTargets().addAll(found);
            }
        }
    }

    /** The transport a redirect's Contact asks for: its transport parameter, TLS for sips:, UDP for sip:. */
    private int transport(final SipUri uri, final Leg callee)
    {
        if (!b2bua.config().speaksTls())
        {
            return uri.param("transport", view) && Transport.parse(view) == Transport.TCP ?
                Transport.TCP : uri.isSip() ? Transport.UDP : callee.transport();
        }
        if (uri.param("transport", view) && Transport.parse(view) > 0)
        {
            return Transport.parse(view);
        }
        return uri.isSips() ? Transport.TLS : uri.isSip() ? Transport.UDP : callee.transport();
    }

    private InetSocketAddress destination(final SipUri target)
    {
        final InetSocketAddress literal = ipLiteral(target);
        if (literal != null && isRouteTarget(literal))
        {
            return isOwnAddress(literal) ? null : literal;
        }
        final Route route = b2bua.router().route(target.user());
        return route == null || isOwnAddress(route.target()) ? null : route.target();
    }

    /** The Contact's host and port when its host is an IP address; null for a host name or a tel: URI. */
    private InetSocketAddress ipLiteral(final SipUri target)
    {
        final String host = target.host().toString();
        final boolean ipv6 = host.startsWith("[") && host.endsWith("]");
        if (!target.isSip() || !(ipv6 || IPV4.matcher(host).matches()))
        {
            return null;
        }
        try
        {
            // An IP literal: InetAddress parses it without a name lookup.
            final InetAddress address = InetAddress.getByName(ipv6 ? host.substring(1, host.length() - 1) : host);
            final int defaultPort = target.isSips() && b2bua.config().speaksTls() ? 5061 : 5060;
            return new InetSocketAddress(address, target.port() > 0 ? target.port() : defaultPort);
        }
        catch (final UnknownHostException ex)
        {
            return null;
        }
    }

    private boolean isRouteTarget(final InetSocketAddress address)
    {
        for (final Route route : b2bua.config().routes())
        {
            if (route.target().equals(address))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * One of Referee's listening addresses; a wildcard listener (0.0.0.0, ::) counts for every loopback address on
     * its port (the engine knows no interface list: other local addresses are not recognised).
     */
    private boolean isOwnAddress(final InetSocketAddress address)
    {
        for (final ListenAddress listen : b2bua.config().listen())
        {
            final InetSocketAddress own = listen.address();
            if (own.getPort() == address.getPort() && (own.getAddress().equals(address.getAddress()) ||
                own.getAddress().isAnyLocalAddress() && address.getAddress().isLoopbackAddress()))
            {
                return true;
            }
        }
        return false;
    }

    private static String withoutHeaders(final String text)
    {
        final int question = text.indexOf('?');
        return question < 0 ? text : text.substring(0, question);
    }
}
