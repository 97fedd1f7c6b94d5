package dev.referee.engine.call;

import dev.referee.config.Route;

import java.util.List;
import java.util.regex.Matcher;

/** First-match routing on the Request-URI user part. Matchers are reused: engine thread only. */
public final class Router
{
    private final Route[] routes;
    private final Matcher[] matchers;

    public Router(final List<Route> routes)
    {
        this.routes = routes.toArray(new Route[0]);
        this.matchers = new Matcher[this.routes.length];
        for (int i = 0; i < this.routes.length; i++)
        {
            matchers[i] = this.routes[i].user().matcher("");
        }
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
