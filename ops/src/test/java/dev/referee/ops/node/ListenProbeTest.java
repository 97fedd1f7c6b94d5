package dev.referee.ops.node;

import dev.referee.config.ListenAddress;
import dev.referee.transport.Transport;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ListenProbeTest
{
    @Test
    void shouldSayAnAddressAnotherSocketHoldsIsNotFreeAndFreeOnceItIsClosed() throws Exception
    {
        final InetSocketAddress udpAddress;
        final InetSocketAddress tcpAddress;
        try (DatagramChannel udp = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
            ServerSocketChannel tcp = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0)))
        {
            udpAddress = (InetSocketAddress)udp.getLocalAddress();
            tcpAddress = (InetSocketAddress)tcp.getLocalAddress();
            assertFalse(ListenProbe.free(List.of(new ListenAddress(Transport.UDP, udpAddress))), "UDP held");
            assertFalse(ListenProbe.free(List.of(new ListenAddress(Transport.TCP, tcpAddress))), "TCP held");
        }
        assertTrue(ListenProbe.free(List.of(new ListenAddress(Transport.UDP, udpAddress),
            new ListenAddress(Transport.TCP, tcpAddress))), "both free once closed");
    }
}
