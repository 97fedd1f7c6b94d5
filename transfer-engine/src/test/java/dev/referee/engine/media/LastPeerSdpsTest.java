package dev.referee.engine.media;

import dev.referee.engine.snapshot.SnapshotReader;
import dev.referee.engine.snapshot.SnapshotWriter;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The transferee's last SDP offered again to a transfer's target: a fresh sendrecv offer, its codecs as they came. */
class LastPeerSdpsTest
{
    private final LastPeerSdps sdps = new LastPeerSdps(InetAddress.getLoopbackAddress());

    @Test
    void shouldOfferAHeldPeersMediaAsSendrecvAndNotOnHold()
    {
        // A transferee on hold answered its transferor's hold re-INVITE (RFC 2543 hold address, recvonly) before the REFER.
        store(7, "v=0\r\no=alice 1 2 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\na=recvonly\r\n" +
            "m=audio 4000 RTP/AVP 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=inactive\r\n" +
            "a=ptime:20\r\nm=video 0 RTP/AVP 96\r\na=sendonly\r\n");

        assertEquals("v=0\r\no=alice 1 2 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
            "m=audio 4000 RTP/AVP 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n" +
            "a=ptime:20\r\nm=video 0 RTP/AVP 96\r\n", offer(7));
    }

    @Test
    void shouldKeepTheLastSdpOfEachLegUntilTheLegIsGoneAndThroughASnapshot()
    {
        final String first = "v=0\nc=IN IP4 192.0.2.10\nm=audio 4000 RTP/AVP 0 8\na=sendrecv\n";
        final String later = "v=0\nc=IN IP4 192.0.2.11\nm=audio 4002 RTP/AVP 8\n";
        store(7, first);
        store(7, later);
        store(9, first);
        assertEquals(later, offer(7), "the last one, bare LFs as they came");

        final SnapshotWriter out = new SnapshotWriter();
        sdps.write(out);
        final LastPeerSdps restored = new LastPeerSdps(InetAddress.getLoopbackAddress());
        restored.read(new SnapshotReader(out.toByteArray()));
        assertEquals(2, restored.size());
        assertEquals(first, text(restored, restored.freshOffer(9)));

        sdps.forget(7);
        assertEquals(-1, sdps.freshOffer(7), "gone with its leg: no offer, the target is called without");
        assertEquals(-1, sdps.freshOffer(8), "a leg whose peer sent no SDP");
    }

    private void store(final long legId, final String sdp)
    {
        final byte[] bytes = sdp.getBytes(StandardCharsets.US_ASCII);
        sdps.store(legId, new UnsafeBuffer(bytes), 0, bytes.length);
    }

    private String offer(final long legId)
    {
        return text(sdps, sdps.freshOffer(legId));
    }

    private static String text(final LastPeerSdps from, final int length)
    {
        final byte[] bytes = new byte[length];
        from.output().getBytes(0, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
