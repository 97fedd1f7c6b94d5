package dev.referee.engine.call;

import dev.referee.engine.config.Route;
import dev.referee.engine.config.RouteTarget;
import dev.referee.engine.counters.TargetCounters;
import dev.referee.engine.id.IdGenerator;
import dev.referee.engine.snapshot.SnapshotReader;
import dev.referee.engine.snapshot.SnapshotWriter;
import dev.referee.engine.transaction.ClientTransaction;
import dev.referee.engine.transaction.TransactionLayer;
import dev.referee.sip.SipMessageWriter;
import dev.referee.sip.SipMethod;
import dev.referee.transport.Addresses;
import dev.referee.transport.Transport;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Whether each target of the routes with {@code keepalive} is up (issue 12, docs/routing.md): every keepalive
 * interval of engine time it is asked OPTIONS; any answer marks it up, no answer within Timer F marks it down. A call
 * tries targets known down only after every other ({@link RouteFailover}). A target named by several routes is one
 * target, asked at the shortest of their intervals. Pings are driven by the engine's ticks, so a replay sends them
 * again at the same inputs. Engine thread only; the counts go to {@link TargetCounters} for /status and /metrics.
 */
public final class TargetHealth
{
    /** One target asked OPTIONS. */
    static final class Target
    {
        final InetSocketAddress address;
        final int transport;
        final long intervalNs;
        boolean down;
        long nextPingNs;
        /** A ping is out and not answered yet. */
        boolean pinging;

        Target(final InetSocketAddress address, final int transport, final long intervalNs)
        {
            this.address = address;
            this.transport = transport;
            this.intervalNs = intervalNs;
        }
    }

    private final List<Target> targets = new ArrayList<>();
    private final TransactionLayer transactions;
    private final LegMessages messages;
    private final IdGenerator ids;
    private final TargetCounters counters;

    TargetHealth(final List<Route> routes, final TransactionLayer transactions, final LegMessages messages,
        final IdGenerator ids, final TargetHealth previous)
    {
        this.transactions = transactions;
        this.messages = messages;
        this.ids = ids;
        for (final Route route : routes)
        {
            if (route.keepaliveMs() <= 0)
            {
                continue;
            }
            final long intervalNs = TimeUnit.MILLISECONDS.toNanos(route.keepaliveMs());
            for (final RouteTarget target : route.targets())
            {
                final int at = indexOf(target.address(), target.transport());
                if (at < 0)
                {
                    targets.add(carried(previous, new Target(target.address(), target.transport(), intervalNs)));
                }
                else if (targets.get(at).intervalNs > intervalNs)
                {
                    targets.set(at, carried(previous, new Target(target.address(), target.transport(), intervalNs)));
                }
            }
        }
        final List<String> names = new ArrayList<>(targets.size());
        for (final Target target : targets)
        {
            names.add(name(target));
        }
        counters = new TargetCounters(names);
        for (int i = 0; i < targets.size(); i++)
        {
            final int old = previous == null ? -1 : previous.counters.names().indexOf(names.get(i));
            if (old >= 0)
            {
                counters.copyRow(i, previous.counters, old); // a reload keeps a target's counts going
            }
            counters.set(i, TargetCounters.UP, targets.get(i).down ? 0 : 1);
        }
    }

    /** A target kept by a reload keeps whether it is down and when it is asked next. */
    private static Target carried(final TargetHealth previous, final Target target)
    {
        if (previous != null)
        {
            final int at = previous.indexOf(target.address, target.transport);
            if (at >= 0)
            {
                final Target old = previous.targets.get(at);
                target.down = old.down;
                target.nextPingNs = old.nextPingNs;
                target.pinging = old.pinging;
            }
        }
        return target;
    }

    /** "udp:10.0.0.1:5060": how /status and /metrics name a target. */
    static String name(final Target target)
    {
        return Transport.paramName(target.transport) + ":" + Addresses.hostPort(target.address);
    }

    /** Up, down and ping counts per target, rows in the order of the routes' targets. */
    public TargetCounters counters()
    {
        return counters;
    }

    /** True when {@code target} has keepalive and did not answer its last ping. */
    boolean isDown(final RouteTarget target)
    {
        final int at = indexOf(target.address(), target.transport());
        return at >= 0 && targets.get(at).down;
    }

    /** Engine time moved on: every target whose interval has passed is asked OPTIONS (one ping out at a time). */
    void onTick(final long nowNs)
    {
        for (int i = 0; i < targets.size(); i++)
        {
            final Target target = targets.get(i);
            if (!target.pinging && nowNs >= target.nextPingNs)
            {
                ping(target, i);
                target.nextPingNs = nowNs + target.intervalNs;
            }
        }
    }

    private void ping(final Target target, final int row)
    {
        final long clientId = transactions.clients().reserveClientId();
        final String branch = transactions.clients().branch(clientId);
        final SipMessageWriter writer = messages.startKeepalive(target.address, target.transport, branch,
            ids.callId(), ids.tag(0));
        writer.endWithoutBody();
        final ClientTransaction ct = transactions.clients().sendRequest(clientId, branch, SipMethod.OPTIONS, "OPTIONS",
            target.transport, target.address, 0);
        ct.use(ClientPurpose.KEEPALIVE, null);
        target.pinging = true;
        counters.increment(row, TargetCounters.PINGS);
    }

    /** An answer to a ping, whatever its status: the target is alive. */
    void onResponse(final ClientTransaction ct)
    {
        if (ct.finalStatus() == 0)
        {
            return; // a provisional: the final answer follows
        }
        mark(ct, false);
    }

    /** Timer F of a ping: no answer, the target is down. */
    void onTimeout(final ClientTransaction ct)
    {
        mark(ct, true);
    }

    private void mark(final ClientTransaction ct, final boolean down)
    {
        final int at = indexOf(ct.destination(), ct.transport());
        if (at < 0)
        {
            return; // a reload dropped the target meanwhile
        }
        final Target target = targets.get(at);
        target.pinging = false;
        if (target.down != down)
        {
            target.down = down;
            counters.increment(at, down ? TargetCounters.WENT_DOWN : TargetCounters.CAME_UP);
        }
        counters.set(at, TargetCounters.UP, down ? 0 : 1);
    }

    private int indexOf(final InetSocketAddress address, final int transport)
    {
        for (int i = 0; i < targets.size(); i++)
        {
            final Target target = targets.get(i);
            if (target.transport == transport && target.address.equals(address))
            {
                return i;
            }
        }
        return -1;
    }

    // ---- snapshot hooks (CallSnapshots, node-start version 5 on) -------------------------------------------------

    void write(final SnapshotWriter out)
    {
        out.writeInt(targets.size());
        for (final Target target : targets)
        {
            out.writeBoolean(target.down);
            out.writeLong(target.nextPingNs);
            out.writeBoolean(target.pinging);
        }
    }

    void read(final SnapshotReader in)
    {
        final int count = in.readInt();
        if (count != targets.size())
        {
            throw new dev.referee.engine.snapshot.SnapshotException(
                "snapshot of " + count + " keepalive targets, configuration of " + targets.size());
        }
        for (int i = 0; i < count; i++)
        {
            final Target target = targets.get(i);
            target.down = in.readBoolean();
            target.nextPingNs = in.readLong();
            target.pinging = in.readBoolean();
            counters.set(i, TargetCounters.UP, target.down ? 0 : 1);
        }
    }
}
