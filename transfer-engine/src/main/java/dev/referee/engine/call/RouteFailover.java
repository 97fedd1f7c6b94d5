package dev.referee.engine.call;

import dev.referee.engine.config.Route;
import dev.referee.engine.config.RouteTarget;
import dev.referee.engine.id.IdGenerator;
import dev.referee.transport.Addresses;
import dev.referee.transport.Transport;

import java.util.ArrayList;
import java.util.List;

/**
 * Routes with more than one target (issue 12, docs/routing.md): the order a call tries them in, lower priority first
 * and, among equal priorities, a weighted random order (RFC 2782's selection, drawn from the keyed generator so that
 * a replay draws the same), targets known down last; and the move to the next one when the one tried answers 503 or
 * 408 or never answers (Timer B), within the same call: the caller sees only the answer of the last one tried.
 * Engine thread only.
 */
final class RouteFailover
{
    private final IdGenerator ids;
    private final B2bua b2bua;

    RouteFailover(final IdGenerator ids, final B2bua b2bua)
    {
        this.ids = ids;
        this.b2bua = b2bua;
    }

    /** The target {@code call} tries first on {@code route}; the others, in order, become its alternates. */
    RouteTarget first(final Call call, final Route route)
    {
        if (route.targets().size() == 1)
        {
            return route.targets().get(0);
        }
        final List<RouteTarget> order = order(route, call.id);
        call.alternates = order.subList(1, order.size());
        return order.get(0);
    }

    /**
     * After the callee's target failed: the callee leg is sent to the next alternate (a new INVITE, the caller's
     * offer again) and true returned; false when none is left.
     */
    boolean tryNext(final Call call, final B2bua b2bua)
    {
        if (call.alternates.isEmpty())
        {
            return false;
        }
        final RouteTarget next = call.alternates.get(0);
        call.alternates = call.alternates.size() == 1 ? List.of() : call.alternates.subList(1, call.alternates.size());
        final Leg callee = call.b;
        callee.retarget(requestUri(callee.remoteTarget, next), next.transport(), next.address());
        b2bua.redirectCallee(call);
        return true;
    }

    /** The Request-URI {@code current} (Referee's own, "sip:user@host:port...") with {@code target}'s host part. */
    static String requestUri(final String current, final RouteTarget target)
    {
        return current.substring(0, current.lastIndexOf('@') + 1) + Addresses.hostPort(target.address()) +
            Transport.uriParameter(target.transport());
    }

    /** Priority groups in ascending order, each in weighted random order; targets known down after every other. */
    private List<RouteTarget> order(final Route route, final long callId)
    {
        final List<RouteTarget> sorted = new ArrayList<>(route.targets());
        sorted.sort((a, b) -> Integer.compare(a.priority(), b.priority()));
        final List<RouteTarget> up = new ArrayList<>(sorted.size());
        final List<RouteTarget> down = new ArrayList<>(2);
        int draw = 0;
        for (int start = 0; start < sorted.size(); )
        {
            int end = start + 1;
            while (end < sorted.size() && sorted.get(end).priority() == sorted.get(start).priority())
            {
                end++;
            }
            final List<RouteTarget> group = new ArrayList<>(sorted.subList(start, end));
            while (!group.isEmpty())
            {
                final RouteTarget picked = group.remove(pick(group, callId, draw++));
                (b2bua.health().isDown(picked) ? down : up).add(picked);
            }
            start = end;
        }
        up.addAll(down);
        return up;
    }

    /** RFC 2782: a running sum of weights, the first target whose sum reaches a random number in [1, total]. */
    private int pick(final List<RouteTarget> group, final long callId, final int draw)
    {
        if (group.size() == 1)
        {
            return 0;
        }
        long total = 0;
        for (final RouteTarget target : group)
        {
            total += target.weight();
        }
        final long chosen = 1 + ids.draw(IdGenerator.DRAW_ROUTE_TARGET, callId << 5 | draw) % total;
        long sum = 0;
        for (int i = 0; i < group.size(); i++)
        {
            sum += group.get(i).weight();
            if (sum >= chosen)
            {
                return i;
            }
        }
        return group.size() - 1;
    }
}
