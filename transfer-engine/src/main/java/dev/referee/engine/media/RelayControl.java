package dev.referee.engine.media;

import dev.referee.media.MediaCommands;

import java.net.InetAddress;

/** {@link MediaControl} on a running relay: each command written into its command ring ({@link MediaCommands}). */
public final class RelayControl implements MediaControl
{
    private final MediaCommands commands;

    public RelayControl(final MediaCommands commands)
    {
        this.commands = commands;
    }

    @Override
    public boolean open(final long endpointId, final int rtpPort, final boolean strictSource, final long timeoutNs)
    {
        return commands.open(endpointId, rtpPort, strictSource, timeoutNs);
    }

    @Override
    public boolean peer(final long endpointId, final InetAddress address, final int rtpPort, final int rtcpPort,
        final boolean rtcpMux, final int clockRateHz)
    {
        return commands.peer(endpointId, address, rtpPort, rtcpPort, rtcpMux, clockRateHz);
    }

    @Override
    public boolean timeout(final long endpointId, final long timeoutNs)
    {
        return commands.timeout(endpointId, timeoutNs);
    }

    @Override
    public boolean link(final long endpointId, final long otherEndpointId)
    {
        return commands.link(endpointId, otherEndpointId);
    }

    @Override
    public boolean close(final long endpointId)
    {
        return commands.close(endpointId);
    }

    @Override
    public boolean ringback(final long endpointId, final int payloadType)
    {
        return payloadType == NO_RINGBACK ? commands.stopRingback(endpointId) :
            commands.ringback(endpointId, payloadType);
    }
}
