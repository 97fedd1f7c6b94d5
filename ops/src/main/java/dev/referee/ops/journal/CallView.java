package dev.referee.ops.journal;

import dev.referee.journal.JournalRecord;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** What the journal says about one call (Referee's call id) and the calls its transfers made. */
final class CallView
{
    final long callId;
    final JournalRecord created;
    final Set<String> legCallIds = new LinkedHashSet<>();
    /** Events of this call and of its child calls, in journal order. */
    final List<JournalRecord> events = new ArrayList<>();
    final List<CallView> children = new ArrayList<>();
    /** Set when an attended transfer joined this (consultation) call into another: that call shows it. */
    CallView joinedInto;
    String outcome = "in progress";
    int transfers;
    final List<String> failedTransfers = new ArrayList<>();
    InetSocketAddress caller;
    InetSocketAddress callee;
    final Set<InetSocketAddress> targets = new LinkedHashSet<>();

    CallView(final JournalRecord created)
    {
        this.callId = created.callId;
        this.created = created;
        legCallIds.add(created.text(0));
        legCallIds.add(created.text(1));
    }

    String callerLeg()
    {
        return created.text(0);
    }

    String calleeLeg()
    {
        return created.text(1);
    }

    String from()
    {
        return created.text(2);
    }

    String to()
    {
        return created.text(3);
    }

    /** Every leg Call-ID of this call and of the calls its transfers made. */
    Set<String> allLegs()
    {
        final Set<String> legs = new LinkedHashSet<>(legCallIds);
        for (final CallView child : children)
        {
            legs.addAll(child.allLegs());
        }
        return legs;
    }
}
