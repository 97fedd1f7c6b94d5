package dev.referee.ring;


/**
 * Counts kept by the pipeline and transports, readable from any thread (admin /status).
 * <p>
 * Every {@link Counter} has exactly one writer thread, named next to it; counts that several threads produce
 * (drops, 503s) are kept per thread and summed by the reading methods.
 */
public final class PipelineCounters
{
    // ---- UDP receive thread ------------------------------------------------------------------------------
    public final Counter udpReceived = new Counter();
    /**
     * How long each datagram read in a batch waited in the kernel's socket buffer (its arrival stamp to its reading),
     * in nanoseconds: the wait the engine's lag cannot see, long when the receive thread is short of CPU. Buckets as
     * {@link #inputLagNs}; datagrams read one per system call (pipeline.udp-syscalls: per-datagram) carry no stamp.
     */
    public final FixedHistogram udpSocketWaitNs = new FixedHistogram(
        50_000L, 100_000L, 250_000L, 500_000L, 1_000_000L, 2_500_000L, 5_000_000L, 10_000_000L, 25_000_000L,
        50_000_000L, 100_000_000L, 250_000_000L, 500_000_000L, 1_000_000_000L, 2_500_000_000L);
    /** Inbound ring full: a response, ACK or unreadable request that was not answered. */
    public final Counter udpInboundDropped = new Counter();
    public final Counter udpOverloadResponses = new Counter();
    /** New calls (INVITE without To tag) let through to the engine. */
    public final Counter udpAdmitted = new Counter();
    /** New calls answered 503 by admission control before the engine saw them. */
    public final Counter udpShed = new Counter();
    /** Retransmitted requests dropped because their first copy was still queued for the engine. */
    public final Counter udpAbsorbed = new Counter();
    /** Datagrams longer than {@link InboundEvent#MAX_MESSAGE_LENGTH} or otherwise unusable. */
    public final Counter udpReceiveErrors = new Counter();
    /** ICMP port unreachable from a watched UDP peer (a route target): each told to the engine as a failure. */
    public final Counter udpPortUnreachable = new Counter();
    /** Requests from sources in no trunk answered 403 ({@code security.unknown-sources: reject}). */
    public final Counter udpUnknownRejected = new Counter();
    /** Messages from sources in no trunk dropped: responses, ACKs, {@code drop}, or requests a 403 cannot answer. */
    public final Counter udpUnknownDropped = new Counter();
    /** Requests dropped by flood control: their source was over {@code security.flood.rate} or blocked. */
    public final Counter udpFloodDropped = new Counter();
    /** Sources blocked by flood control (a source blocked again after its block ended counts again). */
    public final Counter udpFloodBlocks = new Counter();
    /** Stateless answers (403, 503) not sent: the send gate was closed. */
    public final Counter udpAnswersFenced = new Counter();

    // ---- TCP I/O thread ----------------------------------------------------------------------------------
    public final Counter tcpReceived = new Counter();
    /** Bytes read from TCP connections (messages and keep-alives, framed or not yet). */
    public final Counter tcpBytesReceived = new Counter();
    public final Counter tcpInboundDropped = new Counter();
    public final Counter tcpOverloadResponses = new Counter();
    /**
     * Messages that found the inbound ring full and waited on their connection for a slot (dialogs' requests, ACKs,
     * responses: never refused, and not sent again over TCP), the connection unread meanwhile.
     */
    public final Counter tcpHeldForRing = new Counter();
    public final Counter tcpAdmitted = new Counter();
    public final Counter tcpShed = new Counter();
    public final Counter tcpAbsorbed = new Counter();
    /**
     * Messages a connection took: written, or queued behind a partial write or a connect in progress. Queued
     * messages lost with their connection are counted again in {@link #tcpSendDropped}.
     */
    public final Counter tcpSent = new Counter();
    /** Outbound TCP messages dropped: connect failed, connection closed, or too many bytes queued. */
    public final Counter tcpSendDropped = new Counter();
    /** Messages and stateless answers not written: the send gate was closed. */
    public final Counter tcpSendFenced = new Counter();
    public final Counter tcpConnectionsOpen = new Counter();
    public final Counter tcpConnectionsAccepted = new Counter();
    public final Counter tcpConnectionsConnected = new Counter();
    /** Streams closed because they could not be framed. */
    public final Counter tcpMalformedStreams = new Counter();
    public final Counter tcpUnknownRejected = new Counter();
    /** As {@link #udpUnknownDropped}, plus connections from unknown sources closed at once under {@code drop}. */
    public final Counter tcpUnknownDropped = new Counter();
    public final Counter tcpFloodDropped = new Counter();
    public final Counter tcpFloodBlocks = new Counter();
    /** Connections accepted and closed at once because {@code tcp.max-connections} were open. */
    public final Counter tcpConnectionsRefused = new Counter();
    /** Connections closed because a message did not fit the read buffer (one message, 64 KiB). */
    public final Counter tcpBufferOverflows = new Counter();
    /** Connections closed after {@code tcp.idle-timeout} without a byte either way. */
    public final Counter tcpIdleClosed = new Counter();
    /** Connections closed because a message stayed incomplete for {@code tcp.read-timeout} (slowloris). */
    public final Counter tcpReadTimeouts = new Counter();
    /**
     * TLS connections closed on a TLS error: a peer that does not speak TLS, a handshake that fails (a certificate
     * that does not verify, no protocol in common), a corrupt record.
     */
    public final Counter tlsFailed = new Counter();
    /**
     * Connections Referee opened that failed (refused, reset, unreachable, TLS failed): each told to the engine, which
     * fails the requests sent on it (a route's next target is tried at once).
     */
    public final Counter tcpConnectFailures = new Counter();

    // ---- send thread -------------------------------------------------------------------------------------
    public final Counter udpSent = new Counter();
    /** No UDP socket of the destination's family, socket buffer full, or a send error. */
    public final Counter udpSendDropped = new Counter();
    /** Not sent: the {@link dev.referee.transport.SendGate} was closed (a cluster member that lost its lease). */
    public final Counter udpSendFenced = new Counter();
    public final Counter sendHandlerErrors = new Counter();

    // ---- engine thread -----------------------------------------------------------------------------------
    /** {@link SipSender#send} returned false: outbound ring full or message too long. */
    public final Counter outboundDropped = new Counter();
    /** Exceptions thrown by the engine's {@link InboundHandler}; the pipeline goes on with the next event. */
    public final Counter engineErrors = new Counter();
    /**
     * pipeline.udp-receive: engine: the engine thread's moves to reading the UDP sockets itself (run to completion:
     * it keeps up) and back to the staged pipeline (behind, or a planned pause); engine thread.
     */
    public final Counter engineToRunToCompletion = new Counter();
    public final Counter engineToStaged = new Counter();
    /**
     * How long each input waited between its receive stamp and the engine stage taking it, in nanoseconds: the
     * delay every answer carries (RFC 6357 §5), as a distribution rather than the oldest-input-now of
     * {@link EngineProgress#lagNs}. Buckets from 50 µs to 2.5 s.
     */
    public final FixedHistogram inputLagNs = new FixedHistogram(
        50_000L, 100_000L, 250_000L, 500_000L, 1_000_000L, 2_500_000L, 5_000_000L, 10_000_000L, 25_000_000L,
        50_000_000L, 100_000_000L, 250_000_000L, 500_000_000L, 1_000_000_000L, 2_500_000_000L);

    // ---- parse thread ------------------------------------------------------------------------------------
    public final Counter parseFailures = new Counter();
    public final Counter parseHandlerErrors = new Counter();

    // ---- extra inbound stages (the journal) --------------------------------------------------------------
    /** Exceptions thrown by stages added with {@link SipPipeline#addInboundStage}; the input is then not applied. */
    public final Counter inboundStageErrors = new Counter();
    /** Inputs not applied because a stage (the journal) could not take them: requests among them got 503. */
    public final Counter inputsRefused = new Counter();

    // ---- ticker thread -----------------------------------------------------------------------------------
    public final Counter ticksPublished = new Counter();
    /** Ticks not published because the inbound ring was full. */
    public final Counter ticksSkipped = new Counter();

    /** Messages received while the inbound ring was full and not answered (responses, ACKs). */
    public long inboundDropped()
    {
        return udpInboundDropped.get() + tcpInboundDropped.get();
    }

    /** 503 Service Unavailable answers sent by receive threads while the inbound ring was full. */
    public long overloadResponses()
    {
        return udpOverloadResponses.get() + tcpOverloadResponses.get();
    }

    /** New calls admitted to the engine by admission control. */
    public long admitted()
    {
        return udpAdmitted.get() + tcpAdmitted.get();
    }

    /** New calls shed with 503 by admission control (the engine lagged or the ring filled). */
    public long shed()
    {
        return udpShed.get() + tcpShed.get();
    }

    /** Request retransmissions absorbed on receive because the first copy was still queued. */
    public long absorbed()
    {
        return udpAbsorbed.get() + tcpAbsorbed.get();
    }

    /** Requests from sources in no trunk answered 403. */
    public long unknownRejected()
    {
        return udpUnknownRejected.get() + tcpUnknownRejected.get();
    }

    /** Messages (and TCP connections) from sources in no trunk dropped without an answer. */
    public long unknownDropped()
    {
        return udpUnknownDropped.get() + tcpUnknownDropped.get();
    }

    /** Requests dropped by flood control. */
    public long floodDropped()
    {
        return udpFloodDropped.get() + tcpFloodDropped.get();
    }

    /** Blocks started by flood control. */
    public long floodBlocks()
    {
        return udpFloodBlocks.get() + tcpFloodBlocks.get();
    }

    /** Messages and stateless answers not sent because the send gate was closed, on every thread. */
    public long sendsFenced()
    {
        return udpSendFenced.get() + udpAnswersFenced.get() + tcpSendFenced.get();
    }

    public long tcpConnectionsOpen()
    {
        return tcpConnectionsOpen.get();
    }

    public String toString()
    {
        return "udpReceived=" + udpReceived + " tcpReceived=" + tcpReceived +
            " udpSent=" + udpSent + " tcpSent=" + tcpSent +
            " inboundDropped=" + inboundDropped() + " overloadResponses=" + overloadResponses() +
            " admitted=" + admitted() + " shed=" + shed() + " absorbed=" + absorbed() +
            " outboundDropped=" + outboundDropped + " udpSendDropped=" + udpSendDropped +
            " tcpSendDropped=" + tcpSendDropped + " sendsFenced=" + sendsFenced() +
            " tcpConnectionsOpen=" + tcpConnectionsOpen +
            " parseFailures=" + parseFailures + " engineErrors=" + engineErrors +
            " inboundStageErrors=" + inboundStageErrors + " inputsRefused=" + inputsRefused +
            " ticksPublished=" + ticksPublished + " ticksSkipped=" + ticksSkipped;
    }
}
