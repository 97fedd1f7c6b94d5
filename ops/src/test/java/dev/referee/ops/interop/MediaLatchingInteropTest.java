package dev.referee.ops.interop;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Symmetric RTP through the relay (issue 10) with a SIP call set up by SIPp parties and the media sent and checked by
 * this test: each party's SDP names a UDP socket of the test. The caller sits behind a NAT: its packets come from
 * another port than its SDP says. The relay latches that source and sends the callee's media there, never to the SDP's
 * port once latched; each side receives the other's stream complete and in sequence (RTP sequence numbers checked,
 * one 172-byte G.711 packet every 20 ms each way for two seconds).
 */
@Tag("interop")
class MediaLatchingInteropTest
{
    /** Referee's media ports here: the caller's leg gets the first pair, the callee's the second (a fresh node). */
    private static final int LOW_PORT = 24_300;
    private static final int HIGH_PORT = 24_309;
    private static final int PACKETS = 100;
    private static final int CALLER = 0xCA11E2;
    private static final int CALLEE = 0xCA11EE;
    private static final Duration BOUND = Duration.ofSeconds(40);

    @RegisterExtension
    static final FailureDump DUMP = new FailureDump();

    private RefereeProcess referee;

    @AfterEach
    void stopReferee()
    {
        if (referee != null)
        {
            referee.close();
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldLatchTheNattedCallersSourceAndRelayBothStreamsCompleteAndInSequence() throws IOException
    {
        final Path dir = DUMP.workDir("referee-media-latching-");
        try (RtpPhone callerSdp = RtpPhone.open(); RtpPhone callerNat = RtpPhone.open();
            RtpPhone callee = RtpPhone.open();
            SippRun bob = DUMP.track(Sipp.uas("uas-answer-media-at-key-then-wait-bye.xml", dir.resolve("callee"))
                .transport(SippTransport.UDP).calls(1).key("mport", Integer.toString(callee.port()))
                .globalTimeout(BOUND).start()))
        {
            referee = RefereeProcess.start(Files.createDirectories(dir.resolve("referee")), bob.localPort(),
                List.of(), RefereeProcess.mediaYaml(LOW_PORT, HIGH_PORT, ""));
            DUMP.always(referee::describe);
            try (SippRun alice = DUMP.track(Sipp.uac("uac-call-media-at-key.xml", dir.resolve("caller"))
                .remote(referee.sipPort()).service("bob").transport(SippTransport.UDP).calls(1).rate(1).limit(1)
                .holdMs(10_000).key("mport", Integer.toString(callerSdp.port())).globalTimeout(BOUND).start()))
            {
                assertTrue(Ports.await(() -> referee.status().activeCalls() == 1 &&
                    referee.status().counter("pairsInUse") == 2, Duration.ofSeconds(10)), () -> referee.status().raw());
                // The caller's leg has the first pair, the callee's the second (a fresh node).
                callerNat.streamTo(LOW_PORT, CALLER);
                callee.streamTo(LOW_PORT + 2, CALLEE);

                // The caller's first packet, from behind its NAT, latches its real source.
                callerNat.sendNext();
                RtpPhone.listen(Duration.ofSeconds(5), () -> !callee.heard().isEmpty(), callee);
                assertEquals(List.of(0), sequences(callee.heard(CALLER)),
                    "the caller's first packet reaches the callee");

                final int[] rounds = {0};
                RtpPhone.talk(BOUND, () -> rounds[0]++ == PACKETS, callerNat, callee, callerSdp);
                RtpPhone.listen(Duration.ofMillis(500), () -> false, callee, callerNat, callerSdp);
                assertEquals(sequence(0, PACKETS), sequences(callee.heard(CALLER)),
                    "the caller's stream, complete and in order");
                assertEquals(sequence(0, PACKETS - 1), sequences(callerNat.heard(CALLEE)),
                    "the callee's stream goes where the caller's packets come from, complete and in order");
                assertEquals(List.of(), callerSdp.heard(), "nothing to the port the caller's SDP named, once latched");

                alice.awaitResult(BOUND).assertAllSucceeded(1);
            }
            bob.awaitResult(Duration.ofSeconds(15)).assertAllSucceeded(1);
        }
        referee.awaitCallsEnded(Duration.ofSeconds(10));
        assertTrue(Ports.await(() -> referee.status().counter("pairsInUse") == 0, Duration.ofSeconds(10)),
            () -> referee.status().raw());
    }

    private static List<Integer> sequences(final List<RtpPhone.Heard> heard)
    {
        return heard.stream().map(RtpPhone.Heard::seq).toList();
    }

    private static List<Integer> sequence(final int first, final int last)
    {
        return IntStream.rangeClosed(first, last).boxed().toList();
    }
}
