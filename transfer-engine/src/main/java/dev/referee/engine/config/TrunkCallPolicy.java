package dev.referee.engine.config;

import java.util.List;

/**
 * Which calls a trunk may place, and how many (issue 7, "Who may send calls").
 *
 * @param routes            {@code trunks[i].routes}: names of the {@code routes} entries the trunk's calls may take;
 *                          empty means every route. A call that would take another route gets 403.
 * @param maxCalls          {@code trunks[i].limits.calls}: calls from the trunk up at once; 0 means no limit. Past it
 *                          a new INVITE gets 503 with Retry-After.
 * @param callsPerSecond    {@code trunks[i].limits.cps}: new calls per second (bursts of one second's worth); 0
 *                          means no limit. Past it a new INVITE gets 503 with Retry-After.
 * @param retryAfterSeconds {@code trunks[i].limits.retry-after}: the Retry-After of those 503s, whole seconds.
 * @param allowPickup       {@code trunks[i].allow-pickup}: an INVITE with Replaces from this trunk may pick up a
 *                          ringing call whose callee is on the same trunk.
 */
public record TrunkCallPolicy(
    List<String> routes, int maxCalls, int callsPerSecond, int retryAfterSeconds, boolean allowPickup)
{
    public TrunkCallPolicy
    {
        routes = List.copyOf(routes);
    }

    /** Every route, no limits, no pickup: a trunk without these keys. */
    public static TrunkCallPolicy defaults()
    {
        return new TrunkCallPolicy(List.of(), 0, 0, 1, false);
    }

    /** True when the trunk's calls may take the route named {@code routeName} (null: an unnamed route). */
    public boolean mayTake(final String routeName)
    {
        return routes.isEmpty() || (routeName != null && routes.contains(routeName));
    }
}
