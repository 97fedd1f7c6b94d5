package dev.referee.ops.interop;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Media anchored in Referee (issue 10, {@code media.enabled: true}) with real phones: three baresip phones, each with
 * its own tone as microphone, call through the packaged Referee; each phone is told in SDP to send its RTP to
 * Referee's relay, which forwards it to the other leg. What is checked is what a user would: each phone hears the
 * other's tone, and Referee's {@code /status} shows the port pairs held and the packets relayed, so the audio went
 * through the relay and not phone to phone. After a blind transfer the transferee hears the target: the transferee
 * keeps sending to the same relay port, and the relay re-points it to the target's leg when the join completes
 * (without the relay the transferee's media source changes mid-call, and baresip drops it: RealPhonesInteropTest).
 */
@Tag("interop")
class MediaRelayInteropTest
{
    private static final Tone ALICE_TONE = new Tone("alice", 500);
    private static final Tone BOB_TONE = new Tone("bob", 700);
    private static final Tone CAROL_TONE = new Tone("carol", 1100);
    /** Referee's ringback (RingbackTone): 425 Hz, one second on, four off. */
    private static final Tone RINGBACK = new Tone("ringback", 425);
    private static final List<Tone> TONES = List.of(ALICE_TONE, BOB_TONE, CAROL_TONE, RINGBACK);
    private static final Duration STEP = Duration.ofSeconds(10);
    /** A second of the peer's tone (50 packets of 20 ms) proves a direction works. */
    private static final long HEARD_MS = 1000;
    private static final Duration AUDIO_WITHIN = Duration.ofSeconds(15);
    /** Media ports of this test's Referee: away from the phones' own RTP ports and below the ephemeral ones. */
    private static final int LOW_PORT = 24_000;
    private static final int HIGH_PORT = 24_199;

    @RegisterExtension
    static final FailureDump DUMP = new FailureDump();

    private static Baresip alice;
    private static Baresip bob;
    private static Baresip carol;
    private static final java.util.regex.Pattern MEDIA_PACKETS =
        java.util.regex.Pattern.compile("\"media\":\\{\"packets\":(\\d+)");
    private static RefereeProcess referee;
    private static String refereeAddress;

    @BeforeAll
    static void startPhonesAndReferee() throws IOException
    {
        final Path dir = Files.createDirectories(Paths.get("target", "media-relay",
            LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")))).toAbsolutePath();
        alice = Baresip.start("alice", ALICE_TONE, dir.resolve("alice"));
        bob = Baresip.start("bob", BOB_TONE, dir.resolve("bob"));
        carol = Baresip.start("carol", CAROL_TONE, dir.resolve("carol"));
        referee = RefereeProcess.start(Files.createDirectories(dir.resolve("referee")), bob.sipPort(), List.of(
            new RefereeProcess.Route("alice", alice.sipPort()),
            new RefereeProcess.Route("carol", carol.sipPort())),
            RefereeProcess.mediaYaml(LOW_PORT, HIGH_PORT, ""));
        refereeAddress = Ports.LOOPBACK + ":" + referee.sipPort();
        DUMP.always(referee::describe);
        DUMP.always(alice::describe);
        DUMP.always(bob::describe);
        DUMP.always(carol::describe);
    }

    @AfterAll
    static void stopAll()
    {
        for (final AutoCloseable process : new AutoCloseable[] {alice, bob, carol, referee})
        {
            try
            {
                if (process != null)
                {
                    process.close();
                }
            }
            catch (final Exception ex)
            {
                System.err.println("cannot stop " + process + ": " + ex);
            }
        }
    }

    @BeforeEach
    void startFromIdlePhones()
    {
        for (final Baresip phone : List.of(alice, bob, carol))
        {
            phone.forgetEvents();
            phone.deleteRecordings();
        }
    }

    @AfterEach
    void hangUpWhatIsLeft()
    {
        for (final Baresip phone : List.of(alice, bob, carol))
        {
            phone.hangUpAll(STEP);
        }
        referee.awaitCallsEnded(Duration.ofSeconds(15));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldCarryTheAudioOfACallThroughTheRelayBothWays()
    {
        final long relayedBefore = referee.status().counter("relayed");
        establish(alice, bob);

        awaitHeard(bob, ALICE_TONE);
        awaitHeard(alice, BOB_TONE);
        final RefereeStatus during = referee.status();
        assertEquals(1, during.counter("enabled"), during::raw);
        assertEquals(2, during.counter("pairsInUse"), () -> "one port pair per leg: " + during.raw());
        // Two seconds of tone each way heard: at least 100 packets went through the relay.
        assertTrue(during.counter("relayed") - relayedBefore >= 100, during::raw);

        alice.hangup();
        bob.awaitEvent("CALL_CLOSED", STEP);
        assertTrue(Ports.await(() -> referee.status().counter("pairsInUse") == 0, STEP),
            () -> "the pairs are free once the call ended: " + referee.status().raw());

        // The call's record gives each leg what its phone sent to the relay: the tone was heard both ways, so about a
        // second of it at least (50 packets a second).
        assertTrue(Ports.await(() -> mediaPacketsOfLastCall().size() == 2, STEP),
            () -> "call records with media: " + referee.callRecordLines());
        final List<Long> packets = mediaPacketsOfLastCall();
        assertTrue(packets.get(0) >= 40 && packets.get(1) >= 40,
            () -> "packets per leg " + packets + ": " + referee.callRecordLines());
    }

    /** The media packets of the last ended call's two record lines (caller first), for the lines that have them. */
    private static List<Long> mediaPacketsOfLastCall()
    {
        final List<String> lines = referee.callRecordLines();
        if (lines.size() < 2)
        {
            return List.of();
        }
        return lines.subList(lines.size() - 2, lines.size()).stream().map(MEDIA_PACKETS::matcher)
            .filter(java.util.regex.Matcher::find).map(m -> Long.parseLong(m.group(1))).toList();
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldLetTheTransfereeHearTheTargetAfterABlindTransfer()
    {
        establish(alice, bob);
        awaitHeard(alice, BOB_TONE);

        bob.transfer("sip:carol@" + refereeAddress);
        carol.awaitEvent("CALL_INCOMING", STEP);
        // While carol rings, alice hears Referee's ringback, not silence (and not bob).
        final long ringbackBefore = alice.heard(TONES).millisOf(RINGBACK);
        assertTrue(Ports.await(() -> alice.heard(TONES).millisOf(RINGBACK) - ringbackBefore >= 500, STEP),
            () -> "ringback while carol rings: " + alice.heard(TONES));
        carol.accept();
        carol.awaitEvent("CALL_ESTABLISHED", STEP);
        bob.awaitEvent("CALL_CLOSED", STEP);
        // Alice's recording of her one call goes on: what she heard of bob so far, and nothing more from here.
        final long bobHeardBefore = alice.heard(TONES).millisOf(BOB_TONE);

        awaitHeard(alice, CAROL_TONE);
        awaitHeard(carol, ALICE_TONE);
        // A few packets of bob may still have been on their way when bob's call closed: no more.
        assertTrue(alice.heard(TONES).millisOf(BOB_TONE) - bobHeardBefore < 200,
            () -> "nothing of bob after the transfer: " + alice.heard(TONES));
        assertTrue(Ports.await(() -> referee.status().counter("pairsInUse") == 2, STEP),
            () -> "alice's and carol's pairs, bob's freed: " + referee.status().raw());
        assertEquals(1, alice.activeCalls(), "alice kept her one call");
    }

    private static void establish(final Baresip caller, final Baresip callee)
    {
        caller.dial("sip:" + callee.user() + "@" + refereeAddress);
        callee.awaitEvent("CALL_INCOMING", STEP);
        callee.accept();
        caller.awaitEvent("CALL_ESTABLISHED", STEP);
        callee.awaitEvent("CALL_ESTABLISHED", STEP);
    }

    private static void awaitHeard(final Baresip phone, final Tone tone)
    {
        if (!Ports.await(() -> phone.heard(TONES).millisOf(tone) >= HEARD_MS, AUDIO_WITHIN))
        {
            throw new AssertionError(phone.user() + " did not hear " + HEARD_MS + " ms of " + tone + " within " +
                AUDIO_WITHIN + ": " + phone.heard(TONES) + "; Referee: " + referee.status().raw());
        }
    }
}
