package dev.referee.journal;

import dev.referee.engine.Engine;
import dev.referee.sip.SipMessage;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Hands {@link RecordedInputs} to an engine as the pipeline does: a SIP input is parsed into one reused
 * {@link SipMessage} (the parse stage's work) and handed over with its recorded transport, source and time; a tick
 * is a tick. Allocates nothing. Single-threaded.
 */
public final class InputFeeder
{
    private final SipMessage message = new SipMessage();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[0]);

    /** Feeds input {@code i} to {@code engine}. */
    public void feed(final RecordedInputs inputs, final int i, final Engine engine)
    {
        final long timeNs = inputs.timeNs(i);
        if (inputs.isTick(i))
        {
            engine.onTick(timeNs);
            return;
        }
        final boolean parsed = parse(inputs, i);
        engine.onMessage(message, parsed, inputs.transport(i), inputs.source(i), inputs.connectionId(i), timeNs);
    }

    /** Feeds every input, in order. */
    public void feedAll(final RecordedInputs inputs, final Engine engine)
    {
        for (int i = 0, n = inputs.size(); i < n; i++)
        {
            feed(inputs, i, engine);
        }
    }

    /** Parses input {@code i} (a SIP message) into the reused message; the harness's share of {@link #feed}. */
    public boolean parse(final RecordedInputs inputs, final int i)
    {
        final int length = inputs.wrap(i, buffer);
        try
        {
            return message.parse(buffer, 0, length);
        }
        catch (final RuntimeException ex)
        {
            return false; // as the parse stage does: a parser failure becomes an unparsed message
        }
    }

    /** The message the last {@link #parse} or {@link #feed} filled. */
    public SipMessage message()
    {
        return message;
    }
}
