package dev.referee.engine.snapshot;

import dev.referee.engine.Engine;
import dev.referee.engine.config.EngineConfig;
import dev.referee.engine.counters.EngineCounters;
import dev.referee.journal.JournalEncoder;
import dev.referee.journal.JournalEvents;
import dev.referee.journal.MemorySink;

import java.util.ArrayList;
import java.util.List;

/**
 * An engine whose outputs, domain events and webhook posts are kept as bytes (encoded as the journal encodes them),
 * so that two engines can be compared byte for byte.
 */
final class EngineCopy
{
    final MemorySink outputs = new MemorySink();
    final MemorySink events = new MemorySink();
    final List<String> webhooks = new ArrayList<>();
    final EngineCounters counters = new EngineCounters();
    final Engine engine;

    EngineCopy(final EngineConfig config)
    {
        engine = new Engine(config, (transport, destination, connectionId, buffer, offset, length) ->
        {
            JournalEncoder.outputSip(outputs.begin(), 0, transport, destination, connectionId, buffer, offset, length);
            outputs.commit();
            return true;
        }, counters, new JournalEvents(events),
            (requestId, url, json) -> webhooks.add(requestId + " " + url + " " + json));
    }

    /**
     * Each held leg's offer/answer state ("3=STABLE ..."): not in the snapshot, derived at restore, so compared on
     * its own.
     */
    String offerAnswer()
    {
        final StringBuilder out = new StringBuilder();
        for (final Object leg : dev.referee.engine.call.CallSnapshots.legs(engine.snapshotParts().b2bua()))
        {
            final dev.referee.engine.call.Leg held = (dev.referee.engine.call.Leg)leg;
            // A terminated leg (BYE sent or received) exchanges no more SDP: its state, left where its last exchange
            // was (a re-INVITE it was hung up under), is not derived at restore and decides nothing.
            out.append(held.id()).append('=').append(held.isTerminated() ? "terminated" : held.offerAnswer()).append(' ');
        }
        return out.toString();
    }

    List<byte[]> takeOutputs()
    {
        final List<byte[]> taken = new ArrayList<>(outputs.records());
        outputs.records().clear();
        return taken;
    }

    List<byte[]> takeEvents()
    {
        final List<byte[]> taken = new ArrayList<>(events.records());
        events.records().clear();
        return taken;
    }

    List<String> takeWebhooks()
    {
        final List<String> taken = new ArrayList<>(webhooks);
        webhooks.clear();
        return taken;
    }

    String gauges()
    {
        return "calls=" + engine.activeCalls() + " dialogs=" + engine.dialogs() + " transactions=" +
            engine.transactions() + " pending=" + engine.pendingTransactions() + " waiting=" +
            engine.waitingTransactions() + " timers=" + engine.timers() + " counters=" + counterValues();
    }

    private String counterValues()
    {
        // The gauges only: message and call totals count what this engine saw, and a restored one saw less.
        return counters.get(EngineCounters.CALLS) + "," + counters.get(EngineCounters.DIALOGS) + "," +
            counters.get(EngineCounters.TRANSACTIONS) + "," + counters.get(EngineCounters.TIMERS) + "," +
            counters.get(EngineCounters.TRANSACTIONS_WAITING);
    }
}
