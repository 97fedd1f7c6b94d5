package dev.referee.engine.call;

import dev.referee.engine.config.Route;
import dev.referee.transport.Addresses;
import dev.referee.transport.Transport;

import java.util.List;
import java.util.regex.Matcher;

/** First-match routing on the Request-URI user part. Matchers are reused: engine thread only. */
public final class Router
{
    private final Route[] routes;
    private final Matcher[] matchers;
    /** Per route, what follows the user in the Request-URI of a request sent to it: made once, not per call. */
    private final String[] targetSuffixes;

    public Router(final List<Route> routes)
    {
        this.routes = routes.toArray(new Route[0]);
        this.matchers = new Matcher[this.routes.length];
        this.targetSuffixes = new String[this.routes.length];
        for (int i = 0; i < this.routes.length; i++)
        {
            matchers[i] = this.routes[i].user().matcher("");
            targetSuffixes[i] = "@" + Addresses.hostPort(this.routes[i].target()) +
                Transport.uriParameter(this.routes[i].transport());
        }
    }

    /** {@code @host:port}, and {@code ;transport=tcp|tls} for a TCP or TLS route: the Request-URI after "sip:user". */
    public String targetSuffix(final Route route)
    {
        for (int i = 0; i < routes.length; i++)
        {
            if (routes[i] == route)
            {
                return targetSuffixes[i];
            }
        }
        return "@" + Addresses.hostPort(route.target()) + Transport.uriParameter(route.transport());
    }

    /** The first route whose pattern matches the whole user part; null for no route. */
    public Route route(final CharSequence user)
    {
        for (int i = 0; i < routes.length; i++)
        {
            if (matchers[i].reset(user).matches())
            {
                return routes[i];
            }
        }
        return null;
    }
}
