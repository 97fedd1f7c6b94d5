package dev.referee.pipeline;

import org.agrona.DirectBuffer;

import java.net.InetSocketAddress;

/** Where the engine hands encoded messages to be sent. Called on the engine thread only; never blocks. */
@FunctionalInterface
public interface SipSender
{
    /**
     * Sends a copy of {@code length} bytes at {@code offset}.
     *
     * @param connectionId the TCP connection to prefer (the one a request came in on), or 0.
     * @return false when the message was dropped (outbound ring full).
     */
    boolean send(int transport, InetSocketAddress destination, long connectionId, DirectBuffer buffer, int offset,
        int length);
}
