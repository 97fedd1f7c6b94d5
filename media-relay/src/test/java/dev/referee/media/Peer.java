package dev.referee.media;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/** A phone's media socket on loopback: sends crafted RTP and RTCP, receives what the relay sends it. */
final class Peer implements AutoCloseable
{
    static final int PAYLOAD = 160;

    private final DatagramChannel channel;
    private final ByteBuffer out = ByteBuffer.allocateDirect(2048);
    private final ByteBuffer in = ByteBuffer.allocate(2048);

    Peer()
    {
        try
        {
            channel = DatagramChannel.open();
            channel.bind(new InetSocketAddress(MediaRelayHarness.LOOPBACK, 0));
            channel.configureBlocking(false);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    InetSocketAddress address()
    {
        try
        {
            return (InetSocketAddress)channel.getLocalAddress();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    int port()
    {
        return address().getPort();
    }

    /** An RTP packet (PCMU, 160 bytes of payload) whose first payload byte is {@code tag}. */
    void rtp(final int toPort, final int seq, final int timestamp, final int ssrc, final byte tag)
    {
        out.clear();
        out.put((byte)0x80).put((byte)0).putShort((short)seq).putInt(timestamp).putInt(ssrc);
        out.put(tag);
        for (int i = 1; i < PAYLOAD; i++)
        {
            out.put((byte)0xFF);
        }
        send(toPort);
    }

    /** An RTCP receiver report (packet type 201) with no report blocks. */
    void rtcp(final int toPort, final int ssrc)
    {
        out.clear();
        out.put((byte)0x80).put((byte)201).putShort((short)1).putInt(ssrc);
        send(toPort);
    }

    /** The next datagram waiting, or null. */
    Received receive()
    {
        try
        {
            in.clear();
            final InetSocketAddress from = (InetSocketAddress)channel.receive(in);
            if (from == null)
            {
                return null;
            }
            in.flip();
            final byte[] bytes = new byte[in.remaining()];
            in.get(bytes);
            return new Received(from, bytes);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** The bytes of the last packet sent. */
    byte[] lastSent()
    {
        final byte[] bytes = new byte[out.limit()];
        out.get(0, bytes);
        return bytes;
    }

    private void send(final int toPort)
    {
        out.flip();
        try
        {
            channel.send(out, new InetSocketAddress(MediaRelayHarness.LOOPBACK, toPort));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    @Override
    public void close()
    {
        try
        {
            channel.close();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** A datagram as the peer got it. */
    record Received(InetSocketAddress from, byte[] bytes)
    {
        boolean isRtcp()
        {
            return bytes.length >= 2 && (bytes[1] & 0xFF) == 201;
        }

        int seq()
        {
            return ((bytes[2] & 0xFF) << 8) | (bytes[3] & 0xFF);
        }

        int ssrc()
        {
            return ByteBuffer.wrap(bytes, 8, 4).getInt();
        }

        byte tag()
        {
            return bytes[12];
        }
    }
}
