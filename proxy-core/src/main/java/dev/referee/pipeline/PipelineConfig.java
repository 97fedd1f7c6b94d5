package dev.referee.pipeline;

import dev.referee.config.ConfigException;
import dev.referee.config.ConfigSection;
import dev.referee.config.ConfigValue;

import java.util.List;

/**
 * Ring sizes are powers of two; {@code waitStrategy} is blocking, sleeping, yielding or busy-spin; {@code udpSend}
 * says which thread writes the engine's UDP messages to the socket (pipeline.udp-send); {@code udpSyscalls} whether
 * datagrams are read and written a batch per system call (pipeline.udp-syscalls); {@code udpReceive} which thread
 * reads the UDP sockets (pipeline.udp-receive).
 */
public record PipelineConfig(int inboundRingSize, int outboundRingSize, String waitStrategy, int tickIntervalMs,
    UdpSend udpSend, UdpSyscalls udpSyscalls, UdpReceive udpReceive)
{
    /** Which thread writes the engine's UDP messages to the socket; configured as engine or send-thread. */
    public enum UdpSend
    {
        /**
         * The engine thread sends its UDP messages itself, a batch of inputs' worth per system call (sendmmsg, one
         * per socket, at the end of the batch): no copy into the outbound ring and no wake-up of the send thread per
         * batch (a futex wait and wake on each side), at the price of those writes on the engine thread. Measured
         * at 3,000 calls/s on two cores with batched system calls (docs/benchmarks.md, "Datagrams in batches"):
         * 11 % less CPU per call than {@link #SEND_THREAD}, better in 7 of 9 alternated pairs. But overloaded
         * (Referee on one core, offered 1.5 times what it serves), it sheds far more than it must: goodput 2,544 to
         * 3,920 calls/s against 4,525 to 4,563 with the send thread, the engine's lag (what admission control
         * reads) now including the socket writes. Not the default until admission accounts for that. A pipeline
         * whose sends a gate can hold (a cluster member's), with senders on two threads or with an output observer
         * keeps the send stage whatever this says.
         */
        ENGINE,
        /**
         * The send stage writes the engine's UDP messages (the engine only copies each into the outbound ring): the
         * socket writes run beside the engine, on another core, so the engine thread keeps its time for calls and
         * its lag measures the calls alone. The default.
         */
        SEND_THREAD
    }

    /** How datagrams reach the kernel; configured as batched or per-datagram. */
    public enum UdpSyscalls
    {
        /**
         * recvmmsg and sendmmsg (Linux): the receive thread reads up to 16 datagrams a call, the sending thread
         * writes a batch with one call per socket. Where the system lacks them, the same as {@link #PER_DATAGRAM}.
         * The default.
         */
        BATCHED,
        /** The JDK's channels: a system call per datagram. */
        PER_DATAGRAM
    }

    /** Which thread reads the UDP sockets; configured as receive-thread or engine. */
    public enum UdpReceive
    {
        /**
         * The staged pipeline: a receive thread of its own reads the sockets, parses and judges each datagram and
         * publishes it to the inbound ring; the engine meets each input parsed, the send stage writes its UDP
         * ({@link UdpSend}), and the ring holds what arrives while the engine is busy or paused.
         */
        RECEIVE_THREAD,
        /**
         * The engine thread reads the UDP sockets itself while it keeps up (run to completion: a datagram read,
         * parsed, judged, handled and answered on one thread, with no hand-off and no wake-up of another thread, as
         * one Kamailio worker does), and the staged pipeline takes over while it is behind or in a planned pause
         * (a journal snapshot); see {@code ReceivingEngine}. Measured at 3,000 calls/s and at 500 blind transfers/s
         * on two cores: 12-20 % less CPU per call than {@link #RECEIVE_THREAD}, the same cold start and overload
         * behaviour (docs/benchmarks.md, "Run to completion"). The default (of the configuration; the constructors
         * without it keep the staged pipeline). Not for a pipeline that keeps its send stage (a cluster member's,
         * one with an output observer) nor one that reads a datagram per system call (no arrival stamps): those read
         * with the receive thread.
         */
        ENGINE
    }

    /** With the receive thread reading UDP. */
    public PipelineConfig(final int inboundRingSize, final int outboundRingSize, final String waitStrategy,
        final int tickIntervalMs, final UdpSend udpSend, final UdpSyscalls udpSyscalls)
    {
        this(inboundRingSize, outboundRingSize, waitStrategy, tickIntervalMs, udpSend, udpSyscalls,
            UdpReceive.RECEIVE_THREAD);
    }

    /** With batched system calls. */
    public PipelineConfig(final int inboundRingSize, final int outboundRingSize, final String waitStrategy,
        final int tickIntervalMs, final UdpSend udpSend)
    {
        this(inboundRingSize, outboundRingSize, waitStrategy, tickIntervalMs, udpSend, UdpSyscalls.BATCHED);
    }

    /** With the default UDP send (the send stage's) and system calls (batched). */
    public PipelineConfig(final int inboundRingSize, final int outboundRingSize, final String waitStrategy,
        final int tickIntervalMs)
    {
        this(inboundRingSize, outboundRingSize, waitStrategy, tickIntervalMs, UdpSend.SEND_THREAD);
    }

    /**
     * The defaults. A tick every 50 ms: engine timers fire up to a tick late when no other input moves the engine's
     * time (under load every datagram does), which SIP's timers absorb (T1 is 500 ms; Kamailio's timers tick every
     * 62.5 ms). Each tick wakes the ticker and the engine threads and is a journaled input: on this kind of VM a
     * wake-up costs 50-80 us of CPU, and at 10 ms the ticks took about 8 ms of CPU a second of an idle node
     * (docs/benchmarks.md, "Fewer wake-ups").
     */
    public static PipelineConfig defaults()
    {
        return new PipelineConfig(16_384, 16_384, "blocking", 50, UdpSend.SEND_THREAD, UdpSyscalls.BATCHED,
            UdpReceive.ENGINE);
    }

    /** Wait strategies the pipeline knows; busy-spin is allowed but loses on machines with few cores. */
    public static final List<String> WAIT_STRATEGIES = List.of("blocking", "sleeping", "yielding", "busy-spin");

    /** The {@code pipeline} section. */
    public static PipelineConfig read(final ConfigSection section) throws ConfigException
    {
        section.allowOnly("inbound-ring", "outbound-ring", "wait-strategy", "tick-ms", "udp-send", "udp-syscalls",
            "udp-receive");
        final PipelineConfig defaults = defaults();
        final ConfigValue strategy = section.get("wait-strategy");
        if (strategy != null && !WAIT_STRATEGIES.contains(strategy.text()))
        {
            throw strategy.error(
                "expected one of " + String.join(", ", WAIT_STRATEGIES) + " (got '" + strategy.text() + "')");
        }
        return new PipelineConfig(
            ringSize(section, "inbound-ring", defaults.inboundRingSize()),
            ringSize(section, "outbound-ring", defaults.outboundRingSize()),
            strategy == null ? defaults.waitStrategy() : strategy.text(),
            section.integer("tick-ms", defaults.tickIntervalMs(), 1, 1_000),
            section.choice("udp-send", UdpSend.class, defaults.udpSend()),
            section.choice("udp-syscalls", UdpSyscalls.class, defaults.udpSyscalls()),
            section.choice("udp-receive", UdpReceive.class, defaults.udpReceive()));
    }

    /** Disruptor rings index with a mask, so their size must be a power of two. */
    private static int ringSize(final ConfigSection section, final String key, final int defaultSize)
        throws ConfigException
    {
        final ConfigValue value = section.get(key);
        if (value == null)
        {
            return defaultSize;
        }
        final int size = value.integer(2, 1 << 30);
        if (Integer.bitCount(size) != 1)
        {
            throw value.error("must be a power of two (got " + size + ")");
        }
        return size;
    }
}
