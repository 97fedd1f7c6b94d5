package dev.referee.ops.interop;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Asks a SIP address whether anyone serves it: an OPTIONS over UDP on loopback every 100 ms until a 200 comes back.
 * What failover tests time: when a new leader answers on the service address.
 */
public final class OptionsProbe
{
    private OptionsProbe()
    {
    }

    /** When ({@link System#nanoTime()}) a 200 to an OPTIONS sent to 127.0.0.1:{@code port} came, or -1 after {@code bound}. */
    public static long answeredWithin(final int port, final Duration bound) throws IOException
    {
        final long deadline = System.nanoTime() + bound.toNanos();
        final InetSocketAddress service = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)))
        {
            socket.setSoTimeout(100);
            final byte[] in = new byte[4096];
            for (int cseq = 1; System.nanoTime() < deadline; cseq++)
            {
                final byte[] options = ("OPTIONS sip:127.0.0.1:" + port + " SIP/2.0\r\n" +
                    "Via: SIP/2.0/UDP 127.0.0.1:" + socket.getLocalPort() + ";branch=z9hG4bK-probe-" + cseq + "\r\n" +
                    "Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=p" + cseq + "\r\n" +
                    "To: <sip:127.0.0.1:" + port + ">\r\nCall-ID: probe-" + cseq + "@127.0.0.1\r\n" +
                    "CSeq: " + cseq + " OPTIONS\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                socket.send(new DatagramPacket(options, options.length, service));
                try
                {
                    final DatagramPacket answer = new DatagramPacket(in, in.length);
                    socket.receive(answer);
                    if (new String(in, 0, answer.getLength(), StandardCharsets.US_ASCII).startsWith("SIP/2.0 200"))
                    {
                        return System.nanoTime();
                    }
                }
                catch (final SocketTimeoutException ex)
                {
                    // nobody serves the address yet, or the answer is still to come: ask again
                }
            }
        }
        return -1;
    }
}
