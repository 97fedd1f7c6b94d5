package dev.referee.transport;

import dev.referee.pipeline.PipelineConfig;

/**
 * {@link UdpTransportTest} with pipeline.udp-send: engine (the engine thread queues its datagrams and writes them at
 * the end of each batch of inputs) and batched system calls.
 */
class UdpTransportEngineSendsTest extends UdpTransportTest
{
    @Override
    PipelineConfig.UdpSend udpSend()
    {
        return PipelineConfig.UdpSend.ENGINE;
    }
}
