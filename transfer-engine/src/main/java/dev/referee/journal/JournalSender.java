package dev.referee.journal;

import dev.referee.pipeline.SipSender;
import net.openhft.chronicle.bytes.Bytes;
import org.agrona.DirectBuffer;

import java.net.InetSocketAddress;

/**
 * Stands between the engine and the pipeline's sender and appends an output-sip record for every message the send
 * stage accepted (not for one dropped because the outbound ring was full), stamped with the engine time of the input
 * being handled (the input stage tells it, {@link #inputTimeNs}).
 * <p>
 * Why here, on the engine thread, and not on the send thread after the transport write: every record then goes
 * through one Chronicle appender on one thread. Chronicle serialises appenders of a queue with a write lock; with the
 * input and event appenders on the engine thread and the output appender on the send thread, on 2 cores, a thread
 * preempted while holding it made the other spin (the lock was the top Java frame of the send thread under SIPp
 * load, docs/journal-format.md "Cost of the journal stage"). One writer thread needs no contention at all.
 * <p>
 * A record that fails to append (disk full) is counted and the message is still sent: it is the consequence of an
 * input that was journaled and applied, so replay still reproduces it (an input the stage fails to append is not
 * applied at all: see the pipeline's EngineHandler). Engine thread only.
 */
public final class JournalSender implements SipSender
{
    private final SipSender sender;
    private final RecordSink sink;
    private final OutputRecords records;
    private final AddressCache addresses = new AddressCache();
    private long inputTimeNs;
    private long failures;

    /**
     * @param sender where messages go (the pipeline's).
     * @param sink   the engine thread's sink, the one the input stage and the domain events append through.
     */
    public JournalSender(final SipSender sender, final RecordSink sink)
    {
        this(sender, sink, OutputRecords.FULL);
    }

    /** As above, each message recorded as {@code records} says: whole or as a digest. */
    public JournalSender(final SipSender sender, final RecordSink sink, final OutputRecords records)
    {
        this.sender = sender;
        this.sink = sink;
        this.records = records;
    }

    /** The engine time of the input being handled: stamped on every output until the next input. */
    void inputTimeNs(final long timeNs)
    {
        inputTimeNs = timeNs;
    }

    @Override
    public boolean send(final int transport, final InetSocketAddress destination, final long connectionId,
        final DirectBuffer buffer, final int offset, final int length)
    {
        final boolean accepted = sender.send(transport, destination, connectionId, buffer, offset, length);
        if (accepted)
        {
            append(transport, destination, connectionId, buffer, offset, length);
        }
        return accepted;
    }

    private void append(final int transport, final InetSocketAddress destination, final long connectionId,
        final DirectBuffer buffer, final int offset, final int length)
    {
        try
        {
            final Bytes<?> out = sink.begin();
            if (records == OutputRecords.DIGEST)
            {
                JournalEncoder.outputDigest(out, addresses, inputTimeNs, transport, destination, connectionId,
                    buffer, offset, length);
            }
            else
            {
                JournalEncoder.outputSip(out, addresses, inputTimeNs, transport, destination, connectionId,
                    buffer, offset, length);
            }
            sink.commit();
        }
        catch (final RuntimeException ex)
        {
            sink.abort();
            failures++;
            if ((failures & (failures - 1)) == 0)
            {
                System.getLogger(JournalSender.class.getName()).log(System.Logger.Level.WARNING,
                    "journal: output not appended (" + failures + " failures so far)", ex);
            }
        }
    }

    /** Outputs sent but not journaled (append failed). */
    public long failures()
    {
        return failures;
    }
}
