package dev.referee.transport;

import dev.referee.pipeline.PipelineConfig;

/** {@link UdpTransportTest} with pipeline.udp-syscalls: per-datagram (the JDK's channels, a call per datagram). */
class UdpTransportPerDatagramTest extends UdpTransportTest
{
    @Override
    PipelineConfig.UdpSyscalls syscalls()
    {
        return PipelineConfig.UdpSyscalls.PER_DATAGRAM;
    }
}
