package dev.referee.capture;

import dev.referee.ring.Counter;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.MessageHandler;

import java.nio.ByteBuffer;

/**
 * The HEP sender thread's duty cycle: takes captured messages off the capture ring, finds each one's Call-ID (the
 * correlation id), encodes the HEP packet and hands it to the collector's socket. Everything costly about capture
 * happens here, off the transport threads and the engine.
 * <p>
 * Time: records carry {@link System#nanoTime()}; HEP wants wall-clock time. The agent maps one to the other with an
 * offset it measures again every {@link #CALIBRATE_NS} (so a stepped system clock is followed within a second),
 * which keeps the order of messages of one capture exact.
 * <p>
 * Counts: every record taken off the ring ends in exactly one of {@link #sent}, {@link #dropped} (the collector is
 * not connected or its socket is full) or {@link #errors} (the socket failed, or the message does not fit a HEP
 * packet). Agent thread only writes them.
 */
final class HepAgent implements Agent
{
    /** Records handled per duty cycle, so that close is never kept waiting long. */
    static final int BATCH = 256;
    static final long CALIBRATE_NS = 1_000_000_000L;

    final Counter sent = new Counter();
    final Counter dropped = new Counter();
    final Counter errors = new Counter();

    private final ManyToOneRingBuffer ring;
    private final HepSender sender;
    private final HepEncoder encoder;
    private final NanoClock nanoClock;
    private final EpochNanoClock epochClock;
    private final MessageHandler handler = this::onRecord;
    private final CaptureRecord record = new CaptureRecord();
    private final CallIdFinder callId = new CallIdFinder();
    private final ByteBuffer packetBytes = ByteBuffer.allocateDirect(HepEncoder.MAX_PACKET_LENGTH);
    private final UnsafeBuffer packet = new UnsafeBuffer(packetBytes);
    private long nowNs;
    private long calibratedAtNs;
    private long epochOffsetNs;
    private boolean calibrated;

    HepAgent(final ManyToOneRingBuffer ring, final HepSender sender, final HepEncoder encoder,
        final NanoClock nanoClock, final EpochNanoClock epochClock)
    {
        this.ring = ring;
        this.sender = sender;
        this.encoder = encoder;
        this.nanoClock = nanoClock;
        this.epochClock = epochClock;
    }

    @Override
    public int doWork()
    {
        nowNs = nanoClock.nanoTime();
        if (!calibrated || nowNs - calibratedAtNs >= CALIBRATE_NS)
        {
            calibrate();
        }
        // Keeps the collector connection going while nothing is captured: connected before the first message.
        sender.ready(nowNs);
        return ring.read(handler, BATCH);
    }

    @Override
    public void onClose()
    {
        sender.close();
    }

    @Override
    public String roleName()
    {
        return "referee-hep";
    }

    private void calibrate()
    {
        calibrated = true;
        calibratedAtNs = nowNs;
        epochOffsetNs = epochClock.nanoTime() - nanoClock.nanoTime();
    }

    private void onRecord(final int msgTypeId, final DirectBuffer buffer, final int index, final int length)
    {
        if (!sender.ready(nowNs))
        {
            dropped.increment();
            return;
        }
        record.wrap(buffer, index, length);
        final boolean hasCallId = callId.find(record.buffer(), record.messageOffset(), record.messageLength());
        final long epochNs = record.timeNs() + epochOffsetNs;
        final int packetLength = encoder.encode(packet, record, epochNs / 1_000_000_000L,
            (int)(epochNs % 1_000_000_000L / 1_000L),
            hasCallId ? record.buffer() : null, callId.offset(), callId.length());
        if (packetLength == HepEncoder.TOO_LONG)
        {
            errors.increment();
            return;
        }
        packetBytes.clear().limit(packetLength);
        final int result = sender.send(packetBytes, nowNs);
        (result == HepSender.SENT ? sent : result == HepSender.DROPPED ? dropped : errors).increment();
    }
}
