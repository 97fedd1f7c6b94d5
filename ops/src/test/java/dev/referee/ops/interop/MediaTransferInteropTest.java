package dev.referee.ops.interop;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Media through the relay while SIPp parties hold, unhold and transfer (issue 10): each party's SDP names an
 * {@link RtpPhone} of the test, every phone sends a G.711 stream every 20 ms to its leg's relay port throughout, and
 * the test checks what each one hears. At the switch of a transfer the transferee's stream from the far side changes
 * from the transferor (or the ringback tone while the target rings) to the target: the target's stream is complete
 * and in sequence from its first packet, nothing of the transferor arrives after the switch, and the switch leaves
 * no gap over 60 ms (beyond any lateness of the test's own sending). Port pairs are handed out in order from
 * {@link #LOW_PORT} on a fresh node (docs/media.md, deterministic allocation): a leg gets its pair when it first needs
 * one (the caller's INVITE, the callee's answer, a transfer target's INVITE offering the transferee's media, an
 * offerless INVITE's offer in its 200).
 */
@Tag("interop")
class MediaTransferInteropTest
{
    private static final int LOW_PORT = 24_500;
    private static final int HIGH_PORT = 24_519;
    private static final Duration SIPP_BOUND = Duration.ofSeconds(40);
    private static final Duration TALK_BOUND = Duration.ofSeconds(25);
    private static final long MAX_GAP_NS = TimeUnit.MILLISECONDS.toNanos(60);
    /** How long the target rings before it answers or fails (the transferee hears ringback meanwhile). */
    private static final String TARGET_RINGS_MS = "1500";

    private static final int ALICE = 0xA11CE;
    private static final int ALICE_CONSULTING = 0xA11CE2;
    private static final int BOB = 0xB0B;
    private static final int BOB_RECALLED = 0xB0B2;
    private static final int CAROL = 0xCA201;
    private static final int DAVE = 0xDA7E;

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

    /**
     * Alice holds Bob (sendonly) and takes him back: both streams go on complete and in sequence across both
     * re-INVITEs, and the SDP Bob is shown names the same relay port every time (only its o= version moves on).
     */
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldRelayBothStreamsWithoutALossAcrossHoldAndUnholdOnTheSamePorts(final TestInfo test) throws IOException
    {
        final Path dir = dir(test);
        try (RtpPhone alice = RtpPhone.open(); RtpPhone bob = RtpPhone.open(); SippParties parties = parties())
        {
            final Sipp bobSpec = Sipp.uas("uas-accept-hold-unhold.xml", dir).key("mport", port(bob))
                .traceMessages().globalTimeout(SIPP_BOUND);
            startReferee(dir, parties.start(bobSpec, 1).localPort(), RefereeProcess.NO_PARTY);
            alice.streamTo(LOW_PORT, ALICE);
            bob.streamTo(LOW_PORT + 2, BOB);
            parties.start(Sipp.uac("uac-hold-unhold.xml", dir).remote(referee.sipPort()).service("bob")
                .key("mport", port(alice)).holdMs(1_500).globalTimeout(SIPP_BOUND), 1);

            // On hold 1.5 s, unheld 1.5 s: 2.5 s of each stream spans both re-INVITEs.
            RtpPhone.talk(TALK_BOUND, () -> alice.heard(BOB).size() >= 125 && bob.heard(ALICE).size() >= 125,
                alice, bob);
            parties.assertAllSucceeded(SIPP_BOUND);

            assertCompleteInSequence(alice.heard(BOB), 125, "Bob's stream at Alice");
            assertCompleteInSequence(bob.heard(ALICE), 125, "Alice's stream at Bob");
            final List<Integer> offeredPorts = mediaPorts(SippRun.read(bobSpec.messageFile()), "INVITE sip:");
            assertEquals(List.of(LOW_PORT + 2, LOW_PORT + 2, LOW_PORT + 2), offeredPorts,
                "the relay port in the INVITE and both re-INVITEs Bob received");
        }
        assertNoCallOrPortLeft();
    }

    /**
     * Bob REFERs Alice to Carol, who rings 1.7 s and answers: Alice hears Bob, then ringback in her codec, then
     * Carol; Carol hears Alice from the join on.
     */
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldSwitchTheTransfereeFromTheTransferorToTheTargetInABlindTransfer(final TestInfo test) throws IOException
    {
        final Path dir = dir(test);
        try (RtpPhone alice = RtpPhone.open(); RtpPhone bob = RtpPhone.open(); RtpPhone carol = RtpPhone.open();
            SippParties parties = parties())
        {
            final int carolPort = parties.start(Sipp.uas("uas-target-answer-transferees-offer-then-wait-bye.xml", dir)
                .key("mport", port(carol)).arg("-d", TARGET_RINGS_MS).globalTimeout(SIPP_BOUND), 1).localPort();
            final int bobPort = parties.start(Sipp.uas("uas-answer-then-refer-blind.xml", dir).key("target", "carol")
                .key("mport", port(bob)).globalTimeout(SIPP_BOUND), 1).localPort();
            startReferee(dir, bobPort, carolPort);
            alice.streamTo(LOW_PORT, ALICE);
            bob.streamTo(LOW_PORT + 2, BOB);
            carol.streamTo(LOW_PORT + 4, CAROL);
            parties.start(Sipp.uac("uac-call-then-accept-transfer-reinvite.xml", dir).remote(referee.sipPort())
                .service("bob").key("mport", port(alice)).holdMs(2_500).globalTimeout(SIPP_BOUND), 1);

            final long[] rounds = RtpPhone.talk(TALK_BOUND,
                () -> alice.heard(CAROL).size() >= 75 && carol.heard(ALICE).size() >= 75, alice, bob, carol);
            parties.assertAllSucceeded(SIPP_BOUND);

            assertTrue(alice.heard(BOB).size() >= 1, "Alice heard Bob before the transfer");
            assertRingback(alice, 25);
            assertSwitch(alice, BOB, CAROL, rounds, 75, "Alice");
            assertCompleteInSequence(carol.heard(ALICE), 75, "Alice's stream at Carol");
        }
        assertNoCallOrPortLeft();
    }

    /**
     * Carol sends early media (183 with SDP, answering Alice's media that Referee offered her) 2.5 s before she answers:
     * Alice hears Carol's stream from the 183 on, not from the join, instead of the rest of the ringback tone, and it
     * goes on complete and in sequence through Carol's 200 and Alice's re-INVITE; nothing of Bob after the switch.
     */
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldLetTheTransfereeHearTheTargetsEarlyMediaUntilItAnswers(final TestInfo test) throws IOException
    {
        final Path dir = dir(test);
        try (RtpPhone alice = RtpPhone.open(); RtpPhone bob = RtpPhone.open(); RtpPhone carol = RtpPhone.open();
            SippParties parties = parties())
        {
            final int carolPort = parties.start(Sipp.uas("uas-target-early-media-then-answer.xml", dir)
                .key("mport", port(carol)).arg("-d", "600").globalTimeout(SIPP_BOUND), 1).localPort();
            final int bobPort = parties.start(Sipp.uas("uas-answer-then-refer-blind.xml", dir).key("target", "carol")
                .key("mport", port(bob)).globalTimeout(SIPP_BOUND), 1).localPort();
            startReferee(dir, bobPort, carolPort);
            alice.streamTo(LOW_PORT, ALICE);
            bob.streamTo(LOW_PORT + 2, BOB);
            carol.streamTo(LOW_PORT + 4, CAROL); // from the start: the relay passes it on from Carol's 183
            parties.start(Sipp.uac("uac-call-then-accept-transfer-reinvite.xml", dir).remote(referee.sipPort())
                .service("bob").key("mport", port(alice)).holdMs(2_500).globalTimeout(SIPP_BOUND), 1);

            final long[] rounds = RtpPhone.talk(TALK_BOUND, () -> alice.heard(CAROL).size() >= 200, alice, bob, carol);
            parties.assertAllSucceeded(SIPP_BOUND);

            final List<RtpPhone.Heard> tone = alice.heard().stream()
                .filter(h -> h.ssrc() != ALICE && h.ssrc() != BOB && h.ssrc() != CAROL).toList();
            assertTrue(tone.size() >= 10, "the tone while Carol rang without media: " + tone.size() + " frames");
            final long earlyMs = (alice.heard(CAROL).get(0).atNs() - tone.get(0).atNs()) / 1_000_000;
            System.out.printf("Alice: tone for %d frames, Carol heard %d ms after the tone began%n", tone.size(),
                earlyMs);
            // The 183 comes 0.6 s after Carol is called (-d 600), her 200 2.5 s later: heard from the join, Carol
            // would come over 3.1 s after the tone began.
            assertTrue(earlyMs < 2_000, "Carol heard " + earlyMs + " ms after the tone began: not from her 183");
            assertTrue(tone.get(tone.size() - 1).atNs() < alice.heard(CAROL).get(0).atNs(), "no tone once Carol is heard");
            assertSwitch(alice, BOB, CAROL, rounds, 200, "Alice");
            assertCompleteInSequence(carol.heard(ALICE), 75, "Alice's stream at Carol");
        }
        assertNoCallOrPortLeft();
    }

    /**
     * Bob REFERs Alice to Carol and hangs up; Carol rings, then is busy: Referee calls Bob back (recall) and joins
     * Alice to him. Alice hears Bob, ringback while Carol and then Bob ring, and Bob's new leg.
     */
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldJoinTheTransfereeToTheRecalledTransferorWhenTheTargetIsBusy(final TestInfo test) throws IOException
    {
        final Path dir = dir(test);
        try (RtpPhone alice = RtpPhone.open(); RtpPhone bob = RtpPhone.open(); SippParties parties = parties())
        {
            final int carolPort = parties.start(Sipp.uas("uas-target-offered-busy-after-delay.xml", dir)
                .arg("-d", TARGET_RINGS_MS).globalTimeout(SIPP_BOUND), 1).localPort();
            final int bobPort = parties.start(Sipp.uas("uas-refer-then-hang-up-at-once-or-accept-offered-recall.xml", dir)
                .key("target", "carol").key("mport", port(bob)).calls(2).globalTimeout(SIPP_BOUND), 2).localPort();
            startReferee(dir, bobPort, carolPort);
            alice.streamTo(LOW_PORT, ALICE);
            // Bob's first leg has the second pair, Carol's (offered Alice's media, then busy) the third, the recall's
            // leg the fourth: the allocator moves on before it takes a freed pair again.
            bob.streamTo(LOW_PORT + 2, BOB).streamTo(LOW_PORT + 6, BOB_RECALLED);
            parties.start(Sipp.uac("uac-call-then-accept-transfer-reinvite.xml", dir).remote(referee.sipPort())
                .service("bob").key("mport", port(alice)).holdMs(2_500).globalTimeout(SIPP_BOUND), 1);

            final long[] rounds = RtpPhone.talk(TALK_BOUND, () -> alice.heard(BOB_RECALLED).size() >= 75, alice, bob);
            parties.assertAllSucceeded(SIPP_BOUND);

            assertRingback(alice, 25);
            assertSwitch(alice, BOB, BOB_RECALLED, rounds, 75, "Alice");
            // Bob hears Alice again once recalled: her stream complete from then on.
            final long recalledAtNs = alice.heard(BOB_RECALLED).get(0).atNs();
            assertCompleteInSequence(bob.heard(ALICE).stream().filter(h -> h.atNs() >= recalledAtNs).toList(), 50,
                "Alice's stream at Bob after the recall");
        }
        assertNoCallOrPortLeft();
    }

    /**
     * Alice calls Bob, consults Carol on a second call and REFERs Bob to Carol with Replaces: Bob and Carol hear each
     * other from the join, and nothing of Alice (either of her calls) after it.
     */
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldJoinTransfereeAndTargetWithoutTheTransferorInAnAttendedTransfer(final TestInfo test) throws IOException
    {
        final Path dir = dir(test);
        try (RtpPhone alice = RtpPhone.open(); RtpPhone bob = RtpPhone.open(); RtpPhone carol = RtpPhone.open();
            SippParties parties = parties())
        {
            consultThenRefer(dir, parties, alice, bob, carol, "0", "uac-consult-target-then-refer-with-replaces.xml");

            // Bob hangs up 300 ms after the join: about 15 packets each way.
            final long[] rounds = RtpPhone.talk(TALK_BOUND,
                () -> bob.heard(CAROL).size() >= 10 && carol.heard(BOB).size() >= 10, alice, bob, carol);
            parties.assertAllSucceeded(SIPP_BOUND);

            assertSwitch(bob, ALICE, CAROL, rounds, 10, "Bob");
            assertSwitch(carol, ALICE_CONSULTING, BOB, rounds, 10, "Carol");
        }
        assertNoCallOrPortLeft();
    }

    /**
     * Blonde: Alice consults Carol and REFERs Bob to her while Carol still rings. Bob hears Alice, then the ringback
     * tone (node-start version 9) while Carol rings, then Carol from the join, nothing of Alice after the switch;
     * Carol hears Bob complete and in sequence, nothing of Alice's consultation once Bob is heard.
     */
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldSwitchTheTransfereeToTheTargetInABlondeTransfer(final TestInfo test) throws IOException
    {
        final Path dir = dir(test);
        try (RtpPhone alice = RtpPhone.open(); RtpPhone bob = RtpPhone.open(); RtpPhone carol = RtpPhone.open();
            SippParties parties = parties())
        {
            consultThenRefer(dir, parties, alice, bob, carol, TARGET_RINGS_MS,
                "uac-consult-ringing-target-then-refer-with-replaces.xml");

            final long[] rounds = RtpPhone.talk(TALK_BOUND,
                () -> bob.heard(CAROL).size() >= 10 && carol.heard(BOB).size() >= 10, alice, bob, carol);
            parties.assertAllSucceeded(SIPP_BOUND);

            final List<RtpPhone.Heard> tone = bob.heard().stream()
                .filter(h -> h.ssrc() != ALICE && h.ssrc() != CAROL).toList();
            assertTrue(tone.size() >= 10, "Bob hears ringback while Carol rings: " + tone.size() + " frames");
            assertSwitch(bob, ALICE, CAROL, rounds, 10, "Bob");
            assertCompleteInSequence(carol.heard(BOB), 10, "Bob's stream at Carol");
            final long bobFirstNs = carol.heard(BOB).get(0).atNs();
            assertTrue(carol.heard(ALICE_CONSULTING).stream().allMatch(h -> h.atNs() < bobFirstNs),
                "nothing of Alice's consultation reached Carol once she heard Bob");
        }
        assertNoCallOrPortLeft();
    }

    /**
     * Pickup: Alice calls Bob, whose phone only rings (and streams early media from the test's phone); Dave picks the
     * call up with an INVITE with Replaces naming Bob's early dialog. Alice hears Dave complete and in sequence from
     * his first packet, nothing of Bob after it; Dave hears Alice.
     */
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldSwitchTheCallerToThePickerOfARingingCall(final TestInfo test) throws IOException
    {
        final Path dir = dir(test);
        try (RtpPhone alice = RtpPhone.open(); RtpPhone bob = RtpPhone.open(); RtpPhone dave = RtpPhone.open();
            SippParties parties = parties())
        {
            final Sipp bobSpec = Sipp.uas("uas-ring-then-expect-cancel.xml", dir).traceMessages()
                .globalTimeout(SIPP_BOUND);
            startReferee(dir, parties.start(bobSpec, 1).localPort(), RefereeProcess.NO_PARTY);
            alice.streamTo(LOW_PORT, ALICE);
            bob.streamTo(LOW_PORT + 2, BOB); // Bob's leg was offered Alice's media: its pair is taken while he rings
            dave.streamTo(LOW_PORT + 4, DAVE);
            parties.start(Sipp.uac("uac-call-ringing-then-picked-up.xml", dir).remote(referee.sipPort())
                .service("bob").key("mport", port(alice)).globalTimeout(SIPP_BOUND), 1);
            final SippTrace.RingingDialog ringing = SippTrace.awaitRinging(bobSpec.messageFile());
            parties.start(Sipp.uac("uac-pickup-with-replaces.xml", dir).remote(referee.sipPort()).service("bob")
                .key("replaces_callid", ringing.callId()).key("replaces_fromtag", ringing.fromTag())
                .key("replaces_totag", ringing.toTag()).key("mport", port(dave)).globalTimeout(SIPP_BOUND), 1);

            // Dave talks 200 ms, then hangs up: about 10 packets each way.
            final long[] rounds = RtpPhone.talk(TALK_BOUND,
                () -> alice.heard(DAVE).size() >= 6 && dave.heard(ALICE).size() >= 6, alice, bob, dave);
            parties.assertAllSucceeded(SIPP_BOUND);

            // Bob's early media reached Alice while he rang (the relay latched his source): then Dave, from the pickup.
            assertSwitch(alice, BOB, DAVE, rounds, 6, "Alice");
            assertCompleteInSequence(dave.heard(ALICE), 6, "Alice's stream at Dave");
        }
        assertNoCallOrPortLeft();
    }

    /**
     * 302: Bob's phone redirects Alice's call to Dave, whom Referee calls with Alice's offer on the callee's leg and
     * its pair. Alice, who never heard Bob, hears Dave complete and in sequence from his first packet, and Dave her.
     */
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldAnchorTheCallToTheTargetOfARedirect(final TestInfo test) throws IOException
    {
        final Path dir = dir(test);
        try (RtpPhone alice = RtpPhone.open(); RtpPhone dave = RtpPhone.open(); SippParties parties = parties())
        {
            final int davePort = parties.start(Sipp.uas("uas-answer-media-at-key-then-wait-bye.xml", dir)
                .key("mport", port(dave)).globalTimeout(SIPP_BOUND), 1).localPort();
            final int bobPort = parties.start(Sipp.uas("uas-redirect-302.xml", dir)
                .key("redirect_to", "sip:dave@" + Ports.LOOPBACK + ":" + davePort).globalTimeout(SIPP_BOUND), 1)
                .localPort();
            referee = RefereeProcess.start(Files.createDirectories(dir.resolve("referee")), bobPort,
                List.of(new RefereeProcess.Route("dave", davePort)), RefereeProcess.mediaYaml(LOW_PORT, HIGH_PORT, ""));
            DUMP.always(referee::describe);
            alice.streamTo(LOW_PORT, ALICE);
            // The redirect calls Dave on the callee's leg Bob had (a new transaction, the same leg): its pair, the second.
            dave.streamTo(LOW_PORT + 2, DAVE);
            parties.start(Sipp.uac("uac-call-media-at-key.xml", dir).remote(referee.sipPort()).service("bob")
                .key("mport", port(alice)).holdMs(3_000).globalTimeout(SIPP_BOUND), 1);

            RtpPhone.talk(TALK_BOUND, () -> alice.heard(DAVE).size() >= 75 && dave.heard(ALICE).size() >= 75, alice,
                dave);
            parties.assertAllSucceeded(SIPP_BOUND);

            assertEquals(List.of(DAVE), alice.heard().stream().map(RtpPhone.Heard::ssrc).distinct().toList(),
                "Alice heard Dave only");
            assertCompleteInSequence(alice.heard(DAVE), 75, "Dave's stream at Alice");
            assertCompleteInSequence(dave.heard(ALICE), 75, "Alice's stream at Dave");
        }
        assertNoCallOrPortLeft();
    }

    // ---- what a party heard ----------------------------------------------------------------------------------------

    /**
     * The switch at {@code phone} from stream {@code before} to stream {@code after}: {@code after} complete and in
     * sequence from its first packet (at least {@code atLeast} of them), nothing of {@code before} once anything else
     * was heard (the ringback tone or {@code after}), and no gap over 60 ms between the last packet before
     * {@code after}'s first and that first one, beyond the test's own lateness in sending then.
     */
    private static void assertSwitch(final RtpPhone phone, final int before, final int after, final long[] rounds,
        final int atLeast, final String who)
    {
        final List<RtpPhone.Heard> heard = phone.heard();
        assertCompleteInSequence(phone.heard(after), atLeast, "the new far party's stream at " + who);
        int firstOther = -1;
        int lastBefore = -1;
        int firstAfter = -1;
        for (int i = 0; i < heard.size(); i++)
        {
            final int ssrc = heard.get(i).ssrc();
            if (ssrc == before)
            {
                lastBefore = i;
            }
            else if (firstOther < 0)
            {
                firstOther = i;
            }
            if (ssrc == after && firstAfter < 0)
            {
                firstAfter = i;
            }
        }
        final int lastBeforeIndex = lastBefore;
        final int firstOtherIndex = firstOther;
        assertTrue(firstOther >= 0 && lastBefore < firstOther, () -> who + " heard the old far party after the " +
            "switch: its last packet is #" + lastBeforeIndex + ", the first of another stream #" + firstOtherIndex +
            " of " + heard.size());
        assertTrue(firstAfter > 0, () -> who + " heard nothing before the new far party");
        final RtpPhone.Heard previous = heard.get(firstAfter - 1);
        final RtpPhone.Heard first = heard.get(firstAfter);
        final long gapNs = first.atNs() - previous.atNs();
        final long lateNs = Math.max(0, RtpPhone.longestRoundIntervalNs(rounds, previous.atNs() - RtpPhone.PTIME_NS,
            first.atNs()) - RtpPhone.PTIME_NS);
        System.out.printf("%s: switch after %d packets of the old far party, gap %.1f ms (test late %.1f ms), " +
            "%d packets of the new one in sequence%n", who, phone.heard(before).size(), gapNs / 1e6, lateNs / 1e6,
            phone.heard(after).size());
        assertTrue(gapNs <= MAX_GAP_NS + lateNs, () -> who + ": " + gapNs / 1_000_000 + " ms between the last " +
            "packet before the switch and the new far party's first (the test was " + lateNs / 1_000_000 +
            " ms late sending then)");
    }

    /** Ringback from the relay (its own SSRC, the transferee's codec PCMU): at least {@code frames} 20 ms frames. */
    private static void assertRingback(final RtpPhone phone, final int frames)
    {
        final List<RtpPhone.Heard> tone = phone.heard().stream()
            .filter(h -> h.ssrc() != ALICE && h.ssrc() != BOB && h.ssrc() != BOB_RECALLED && h.ssrc() != CAROL)
            .toList();
        assertTrue(tone.size() >= frames, "ringback frames heard: " + tone.size());
        assertTrue(tone.stream().allMatch(h -> h.payloadType() == 0), "ringback in PCMU, the transferee's codec");
    }

    /** At least {@code atLeast} packets, their sequence numbers consecutive from the first one heard. */
    private static void assertCompleteInSequence(final List<RtpPhone.Heard> stream, final int atLeast,
        final String what)
    {
        assertTrue(stream.size() >= atLeast, what + ": " + stream.size() + " packets heard, at least " + atLeast +
            " expected");
        for (int i = 1; i < stream.size(); i++)
        {
            final int expected = (stream.get(0).seq() + i) & 0xFFFF;
            final int index = i;
            assertEquals(expected, stream.get(i).seq(), () -> what + ": packet " + index + " of " + stream.size() +
                " out of sequence (lost or reordered)");
        }
    }

    /**
     * The port of the first {@code m=audio} line of each message in a SIPp message trace (-trace_msg: messages
     * separated by lines of dashes) whose start line begins with {@code startLine}.
     */
    private static List<Integer> mediaPorts(final String trace, final String startLine)
    {
        final Pattern audio = Pattern.compile("(?m)^m=audio (\\d+)");
        final List<Integer> ports = new ArrayList<>();
        for (final String message : trace.split("(?m)^-{10,}.*$"))
        {
            final Matcher line = audio.matcher(message);
            if (message.lines().anyMatch(l -> l.startsWith(startLine)) && line.find())
            {
                ports.add(Integer.parseInt(line.group(1)));
            }
        }
        return ports;
    }

    // ---- set-up ----------------------------------------------------------------------------------------------------

    /**
     * Alice (scenario {@code aliceScenario}) calls Bob, consults Carol (who rings {@code carolRingsMs} before she
     * answers) and REFERs Bob to her with Replaces; every phone streams to its leg's pair. Call 1: Alice's leg, then
     * Bob's; call 2 (the consultation): Alice's leg, then Carol's (her INVITE carries Alice's offer: her pair is taken
     * while she rings).
     */
    private void consultThenRefer(final Path dir, final SippParties parties, final RtpPhone alice, final RtpPhone bob,
        final RtpPhone carol, final String carolRingsMs, final String aliceScenario) throws IOException
    {
        final int carolPort = parties.start(
            Sipp.uas("uas-answer-consultation-then-accept-join-reinvite-then-wait-bye.xml", dir)
            .key("mport", port(carol)).arg("-d", carolRingsMs).globalTimeout(SIPP_BOUND), 1).localPort();
        final int bobPort = parties.start(Sipp.uas("uas-answer-then-accept-join-reinvite-then-bye.xml", dir)
            .key("mport", port(bob)).globalTimeout(SIPP_BOUND), 1).localPort();
        startReferee(dir, bobPort, carolPort);
        alice.streamTo(LOW_PORT, ALICE).streamTo(LOW_PORT + 4, ALICE_CONSULTING);
        bob.streamTo(LOW_PORT + 2, BOB);
        carol.streamTo(LOW_PORT + 6, CAROL);
        // Two calls of one SIPp sharing Global variables; a Call-ID without '@' (it goes into the Replaces).
        parties.start(Sipp.uac(aliceScenario, dir).remote(referee.sipPort()).service("bob").key("target", "carol")
            .key("mport", port(alice)).calls(2).rate(2).limit(2).arg("-cid_str", "%u-%p-xfer")
            .globalTimeout(SIPP_BOUND), 2);
    }

    private void startReferee(final Path dir, final int bobPort, final int carolPort) throws IOException
    {
        referee = RefereeProcess.start(Files.createDirectories(dir.resolve("referee")), bobPort,
            List.of(new RefereeProcess.Route("carol", carolPort)), RefereeProcess.mediaYaml(LOW_PORT, HIGH_PORT, ""));
        DUMP.always(referee::describe);
    }

    private void assertNoCallOrPortLeft()
    {
        final RefereeStatus status = referee.awaitCallsEnded(Duration.ofSeconds(10));
        assertEquals(0, status.activeCalls(), status::raw);
        assertTrue(Ports.await(() -> referee.status().counter("pairsInUse") == 0, Duration.ofSeconds(10)),
            () -> referee.status().raw());
    }

    private static SippParties parties()
    {
        return new SippParties(DUMP);
    }

    private static String port(final RtpPhone phone) throws IOException
    {
        return Integer.toString(phone.port());
    }

    private static Path dir(final TestInfo test) throws IOException
    {
        return Files.createDirectories(DUMP.workDir("referee-media-transfer-")
            .resolve(test.getTestMethod().map(m -> m.getName()).orElse("test")));
    }
}
