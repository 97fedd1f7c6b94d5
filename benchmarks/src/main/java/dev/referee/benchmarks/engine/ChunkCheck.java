package dev.referee.benchmarks.engine;

import dev.referee.engine.Engine;
import dev.referee.engine.counters.EngineCounters;
import dev.referee.journal.InputFeeder;
import dev.referee.journal.OutputCheck;
import dev.referee.journal.RecordedInputs;
import dev.referee.pipeline.SipSender;
import org.agrona.DirectBuffer;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * Checks that a recording cut into chunks replays, chunk after chunk into one fresh engine, to exactly the recorded
 * outputs of each chunk ({@link OutputCheck}), and leaves no call, dialog or transaction after the last: what a
 * benchmark checks before it measures the same replay.
 */
final class ChunkCheck implements SipSender
{
    private OutputCheck current;

    static void verify(final List<RecordedInputs> chunks)
    {
        final ChunkCheck check = new ChunkCheck();
        final Engine engine = new Engine(chunks.get(0).config(), check, new EngineCounters());
        final InputFeeder feeder = new InputFeeder();
        for (int i = 0; i < chunks.size(); i++)
        {
            check.current = new OutputCheck(chunks.get(i));
            feeder.feedAll(chunks.get(i), engine);
            final String divergence = check.current.divergence();
            if (divergence != null)
            {
                throw new IllegalStateException("replay of chunk " + i + " differs from the recording: " + divergence);
            }
        }
        if (engine.activeCalls() != 0 || engine.dialogs() != 0 || engine.transactions() != 0)
        {
            throw new IllegalStateException("replay left calls=" + engine.activeCalls() + " dialogs=" +
                engine.dialogs() + " transactions=" + engine.transactions());
        }
    }

    @Override
    public boolean send(final int transport, final InetSocketAddress destination, final long connectionId,
        final DirectBuffer buffer, final int offset, final int length)
    {
        return current.send(transport, destination, connectionId, buffer, offset, length);
    }
}
