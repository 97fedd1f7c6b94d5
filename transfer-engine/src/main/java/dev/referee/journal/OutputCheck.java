package dev.referee.journal;

import dev.referee.engine.Engine;
import dev.referee.engine.counters.EngineCounters;
import dev.referee.pipeline.SipSender;
import org.agrona.DirectBuffer;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A {@link SipSender} that checks a replay against a recording: every message sent must be, byte for byte and to the
 * same destination, the next one the recorded engine sent. The first difference is kept (not thrown: the engine
 * must not see the sender fail). For setting up benchmarks and tests, not for measuring: it compares every byte.
 */
public final class OutputCheck implements SipSender
{
    private final RecordedInputs.RecordedMessages expected;
    private int sent;
    private String divergence;

    public OutputCheck(final RecordedInputs recording)
    {
        this.expected = recording.outputs();
    }

    /**
     * Replays {@code recording} whole on a fresh engine and throws unless it sent exactly the recorded outputs and
     * ended with no call, dialog or transaction left: what a benchmark checks before measuring the same replay.
     */
    public static void verifyReplay(final RecordedInputs recording)
    {
        verifyReplay(List.of(recording));
    }

    /**
     * As {@link #verifyReplay(RecordedInputs)} for a recording cut into chunks (one long run, e.g.
     * {@code SyntheticRecordings.blindTransferChunks}): replayed in order into one fresh engine, each chunk must send
     * exactly its recorded outputs, and the last leave nothing.
     */
    public static void verifyReplay(final List<RecordedInputs> chunks)
    {
        final OutputCheck[] current = new OutputCheck[1];
        final SipSender checkCurrent = (transport, destination, connectionId, buffer, offset, length) ->
            current[0].send(transport, destination, connectionId, buffer, offset, length);
        final Engine engine = new Engine(chunks.get(0).config(), checkCurrent, new EngineCounters());
        final InputFeeder feeder = new InputFeeder();
        for (int i = 0; i < chunks.size(); i++)
        {
            current[0] = new OutputCheck(chunks.get(i));
            feeder.feedAll(chunks.get(i), engine);
            final String divergence = current[0].divergence();
            if (divergence != null)
            {
                throw new IllegalStateException("replay differs from the recording" +
                    (chunks.size() > 1 ? " in chunk " + i : "") + ": " + divergence);
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
        final int i = sent++;
        if (divergence != null)
        {
            return true;
        }
        final byte[] actual = new byte[length];
        buffer.getBytes(offset, actual);
        if (i >= expected.size())
        {
            divergence = "output " + i + " was not recorded:\n" + text(actual);
        }
        else if (!java.util.Arrays.equals(actual, expected.message(i)) || !destination.equals(expected.peer(i)) ||
            transport != expected.transport(i))
        {
            divergence = "output " + i + " differs\n  recorded to " + expected.peer(i) + ":\n" +
                text(expected.message(i)) + "\n  replayed to " + destination + ":\n" + text(actual);
        }
        return true;
    }

    /** Null when every output so far matched and all the recorded ones were sent; otherwise the first difference. */
    public String divergence()
    {
        if (divergence == null && sent != expected.size())
        {
            return sent + " outputs replayed, " + expected.size() + " recorded";
        }
        return divergence;
    }

    private static String text(final byte[] message)
    {
        return new String(message, StandardCharsets.ISO_8859_1);
    }
}
