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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real phones through Referee over TLS (issue 12, "TLS" and "Real phones in the suite"): the phones of
 * {@link RealPhonesInteropTest}, with every leg of every call over TLS. Referee listens on TLS as well as UDP and TCP,
 * with the test CA's server certificate (127.0.0.1) and {@code tls.verify-peer: false}, since phones have no client
 * certificates (docs/security.md, "Phones"); its routes name the phones' TLS ports ({@code ;transport=tls}).
 * <ul>
 *   <li>three baresip (alice, bob as user {@code bobtls}, carol) whose accounts are {@code ;transport=tls}: they
 *       call Referee's TLS port, and Referee calls them on theirs, where each presents the test CA's server
 *       certificate (Referee verifies every server it connects to: the chain and 127.0.0.1 in it);</li>
 *   <li>a linphone (linda), started by the test that needs it with the root CA that test names: linphone verifies
 *       the server's certificate (baresip 1.0 does not), so it shows that a phone which does not trust Referee's
 *       certificate never reaches Referee.</li>
 * </ul>
 * What each test checks comes from the phones (baresip's ctrl_tcp events and recordings, linphonec's calls table and
 * output), Referee's /status and the capture: Referee copies each message over HEP to sngrep ({@link SipCapture}),
 * with the addresses of the TLS connection it crossed. sngrep writes them all as UDP, so the capture shows TLS by its
 * ports (Referee's TLS port, or a phone's) and by the top Via, {@code SIP/2.0/TLS}. A connection a phone opens comes
 * from a port of the system's choosing: messages are told apart by Call-ID (each leg has its own, Referee being a
 * B2BUA) and by who sent them ({@link SipCapture.Message#sentBy}: Referee's Via names its TLS address).
 * Logs stay under {@code target/real-phones-tls/}.
 */
@Tag("interop")
class RealPhonesTlsInteropTest
{
    private static final Tone ALICE_TONE = new Tone("alice", 500);
    private static final Tone BOB_TONE = new Tone("bob", 700);
    private static final Tone CAROL_TONE = new Tone("carol", 1100);
    private static final Tone LINDA_TONE = new Tone("linda", 1300);
    private static final List<Tone> TONES = List.of(ALICE_TONE, BOB_TONE, CAROL_TONE, LINDA_TONE);

    /** Generous for a loaded 2-core machine: a phone answers within a few ms when the machine is idle. */
    private static final Duration STEP = Duration.ofSeconds(10);
    /** Audio that proves a direction works: a second of the peer's tone (50 packets of 20 ms). */
    private static final long HEARD_MS = 1000;
    private static final Duration AUDIO_WITHIN = Duration.ofSeconds(15);
    /** linphonec's line for a call that failed before it was answered: {@code Call 1 with sip:... error.} */
    private static final Pattern CALL_ERROR = Pattern.compile("Call \\d+ with \\S*bobtls\\S* error\\.");

    @RegisterExtension
    static final FailureDump DUMP = new FailureDump();

    private static Path dir;
    private static SngrepCollector sngrep;
    private static Baresip alice;
    private static Baresip bob;
    private static Baresip carol;
    private static RefereeProcess referee;
    /** Referee's TLS address: where the phones connect, and the sent-by of the Via Referee writes over TLS. */
    private static String refereeTls;
    /** The linphone of the current test, if it started one. */
    private static volatile Linphone linda;
    /** When the current test started: its capture is what Referee handled from then on. */
    private static volatile long testStartMs;

    @BeforeAll
    static void startPhonesAndReferee() throws IOException
    {
        dir = Files.createDirectories(Paths.get("target", "real-phones-tls",
            LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")))).toAbsolutePath();
        // baresip's sip_certificate: the certificate, then its key, in one PEM file.
        final Path phoneCertificate = dir.resolve("phone-certificate.pem");
        Files.writeString(phoneCertificate, Files.readString(TlsBridge.CERTIFICATES.resolve("server.pem")) +
            Files.readString(TlsBridge.CERTIFICATES.resolve("server.key")), StandardCharsets.US_ASCII);
        final Baresip.Options tls = new Baresip.Options("tls", TlsBridge.CERTIFICATES.resolve("ca.pem"),
            phoneCertificate);
        sngrep = SngrepCollector.start(Files.createDirectories(dir.resolve("sngrep")), null);
        alice = Baresip.start("alice", ALICE_TONE, dir.resolve("alice"), tls);
        bob = Baresip.start("bobtls", BOB_TONE, dir.resolve("bob"), tls);
        carol = Baresip.start("carol", CAROL_TONE, dir.resolve("carol"), tls);
        // RefereeProcess's own route for "bob" is over UDP: bob is "bobtls" here, as in TlsInteropTest.
        referee = RefereeProcess.startWithTls(Files.createDirectories(dir.resolve("referee")),
            RefereeProcess.NO_PARTY, List.of(tlsRoute("bobtls", bob), tlsRoute("carol", carol)),
            "hep:\n  address: \"" + Ports.LOOPBACK + ":" + sngrep.port() + "\"\n  transport: udp\n" +
                TlsBridge.refereeTlsYaml(false));
        refereeTls = Ports.LOOPBACK + ":" + referee.tlsPort();
        DUMP.always(() -> "--- Referee (pid " + referee.pid() + ") " + referee.logFile() + ":\n" +
            referee.logTail(80));
        DUMP.always(alice::describe);
        DUMP.always(bob::describe);
        DUMP.always(carol::describe);
        DUMP.always(() -> linda == null ? "(no linphone in this test)" : linda.describe());
        DUMP.always(() -> "--- sngrep (pid " + sngrep.pid() + "):\n" + sngrep.logTail());
        DUMP.always(() -> "--- capture since the test started:\n" + capture());
    }

    private static RefereeProcess.Route tlsRoute(final String user, final Baresip phone)
    {
        return new RefereeProcess.Route(user, phone.tlsPort(),
            "    target: \"" + phone.tlsAddress() + ";transport=tls\"\n");
    }

    @AfterAll
    static void stopAll()
    {
        for (final AutoCloseable process : new AutoCloseable[] {linda, alice, bob, carol, referee, sngrep})
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
        testStartMs = System.currentTimeMillis();
        for (final Baresip phone : List.of(alice, bob, carol))
        {
            phone.forgetEvents();
            phone.deleteRecordings();
        }
    }

    @AfterEach
    void hangUpWhatIsLeft()
    {
        try
        {
            if (linda != null)
            {
                linda.hangUpAll(STEP);
            }
            for (final Baresip phone : List.of(alice, bob, carol))
            {
                phone.hangUpAll(STEP);
            }
            referee.awaitCallsEnded(Duration.ofSeconds(15));
        }
        finally
        {
            if (linda != null)
            {
                linda.close();
                linda = null;
            }
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldConnectTwoBaresipPhonesOverTlsOnBothLegsWithAudioBothWays()
    {
        final Call call = establish(alice, bob);

        awaitHeard(bob, ALICE_TONE);
        awaitHeard(alice, BOB_TONE);

        alice.hangup();
        alice.awaitEvent("CALL_CLOSED", STEP);
        assertEquals(call.calleeCallId(), bob.awaitEvent("CALL_CLOSED", STEP).callId(), "bob's call ended");
        assertEquals(0, alice.activeCalls());
        assertEquals(0, bob.activeCalls());

        assertNotEquals(call.callerCallId(), call.calleeCallId(), "each dialog has its own Call-ID (a B2BUA)");
        assertCapture(capture ->
        {
            // alice's dialog: she connected to Referee's TLS port and sent INVITE, ACK and BYE there.
            final List<SipCapture.Message> aliceLeg = capture.callId(call.callerCallId());
            assertTrue(has(aliceLeg, m -> m.isRequest("INVITE") && m.sdp() && m.to().equals(refereeTls) &&
                !m.sentBy(refereeTls)), "alice's INVITE with her offer, to Referee's TLS port");
            assertTrue(has(aliceLeg, m -> m.isResponse("INVITE", 200) && m.sdp() && m.sentBy(refereeTls)),
                "200 with bob's answer to alice");
            assertTrue(has(aliceLeg, m -> m.isRequest("ACK") && !m.sentBy(refereeTls)) &&
                has(aliceLeg, m -> m.isRequest("BYE") && !m.sentBy(refereeTls)), "alice's ACK and BYE");
            assertTrue(has(aliceLeg, m -> m.isResponse("BYE", 200) && m.sentBy(refereeTls)), "200 to alice's BYE");
            assertOverTls(aliceLeg, alice);
            // bob's dialog: Referee connected to bob's TLS port, writing its TLS address in the Via.
            final List<SipCapture.Message> bobLeg = capture.callId(call.calleeCallId());
            assertTrue(has(bobLeg, m -> m.isRequest("INVITE") && m.sdp() && m.to().equals(bob.tlsAddress()) &&
                m.sentBy(refereeTls)), "the INVITE bob got on his TLS port, with alice's offer");
            assertTrue(has(bobLeg, m -> m.isResponse("INVITE", 200) && m.sdp() && !m.sentBy(refereeTls)),
                "bob's 200 with his answer");
            assertTrue(has(bobLeg, m -> m.isRequest("BYE") && m.sentBy(refereeTls)) &&
                has(bobLeg, m -> m.isResponse("BYE", 200) && !m.sentBy(refereeTls)), "the BYE bob got and his 200");
            assertOverTls(bobLeg, bob);
        });
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldConnectTheCallerToTheTargetWhenBaresipTransfersBlindWithEveryLegOverTls()
    {
        final Call call = establish(alice, bob);

        bob.transfer(uri("carol"));
        final CtrlTcp.Event atCarol = carol.awaitEvent("CALL_INCOMING", STEP);
        assertTrue(atCarol.peerUri().startsWith("sip:alice@"), () -> "carol sees the transferee: " + atCarol.raw());
        carol.accept();
        carol.awaitEvent("CALL_ESTABLISHED", STEP);
        assertEquals(call.calleeCallId(), bob.awaitEvent("CALL_CLOSED", STEP).callId(), "bob is released");
        alice.awaitEvent("CALL_REMOTE_SDP", "offer", STEP); // the re-INVITE that moved her media to carol

        awaitHeard(carol, ALICE_TONE);
        assertEquals(1, alice.activeCalls(), "alice kept her one call");
        assertEquals(0, bob.activeCalls());
        assertTrue(alice.unconsumed("CALL_CLOSED").isEmpty(), "alice's call never ended");

        alice.hangup();
        assertEquals(atCarol.callId(), carol.awaitEvent("CALL_CLOSED", STEP).callId());

        assertCapture(capture ->
        {
            final List<SipCapture.Message> bobLeg = capture.callId(call.calleeCallId());
            assertTrue(has(bobLeg, m -> m.isRequest("REFER") && m.referTo().contains("carol@") &&
                !m.sentBy(refereeTls)), "bob's REFER to carol");
            assertTrue(has(bobLeg, m -> m.isResponse("REFER", 202) && m.sentBy(refereeTls)), "202 to the REFER");
            final List<SipCapture.Message> notifies = bobLeg.stream().filter(m -> m.isRequest("NOTIFY")).toList();
            assertTrue(notifies.size() >= 2 && notifies.get(0).sipfrag().startsWith("SIP/2.0 100") &&
                notifies.get(notifies.size() - 1).sipfrag().startsWith("SIP/2.0 200"),
                () -> "NOTIFYs from 100 Trying to 200 OK: " + notifies);
            assertEquals(notifies.size(), bobLeg.stream().filter(m -> m.isResponse("NOTIFY", 200)).count(),
                "bob answered each NOTIFY with 200");
            assertTrue(has(bobLeg, m -> m.isRequest("BYE") && !m.sentBy(refereeTls)), "bob's BYE");
            assertOverTls(bobLeg, bob);

            final List<SipCapture.Message> carolLeg = capture.callId(atCarol.callId());
            assertTrue(has(carolLeg, m -> m.isRequest("INVITE") && !m.sdp() && m.to().equals(carol.tlsAddress()) &&
                m.sentBy(refereeTls)), "carol's INVITE on her TLS port, without an offer");
            final SipCapture.Message carolOffer = last(carolLeg, m -> m.isResponse("INVITE", 200) && m.sdp(),
                "carol's 200 with her offer");
            assertOverTls(carolLeg, carol);

            // alice's re-INVITE offers carol's media; the ACK to carol answers with alice's.
            final List<SipCapture.Message> aliceLeg = capture.callId(call.callerCallId());
            final SipCapture.Message reInvite = last(aliceLeg, m -> m.isRequest("INVITE") && m.sdp() &&
                m.sentBy(refereeTls), "alice's re-INVITE");
            assertEquals(carolOffer.mediaPort(), reInvite.mediaPort(), "alice is offered carol's media");
            final SipCapture.Message aliceAnswer = last(aliceLeg, m -> m.isResponse("INVITE", 200) && m.sdp() &&
                !m.sentBy(refereeTls), "alice's 200 to the re-INVITE");
            final SipCapture.Message ack = last(carolLeg, m -> m.isRequest("ACK") && m.sdp(), "carol's ACK");
            assertEquals(aliceAnswer.mediaPort(), ack.mediaPort(), "carol's ACK answers with alice's media");
            assertOverTls(aliceLeg, alice);
        });
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldConnectLinphoneOverTlsWhenItTrustsTheCaThatSignedRefereesCertificate() throws IOException
    {
        linda = Linphone.start("linda", LINDA_TONE, Files.createDirectories(dir.resolve("linda-trusting")),
            TlsBridge.CERTIFICATES.resolve("ca.pem"));

        linda.call(uri("bobtls") + ";transport=tls");
        final CtrlTcp.Event atBob = bob.awaitEvent("CALL_INCOMING", STEP);
        assertTrue(atBob.peerUri().startsWith("sip:linda@"), atBob::raw);
        bob.accept();
        bob.awaitEvent("CALL_ESTABLISHED", STEP);
        linda.awaitCallInState("StreamsRunning", STEP);
        awaitHeard(bob, LINDA_TONE);

        linda.hangUpAll(STEP);
        assertEquals(atBob.callId(), bob.awaitEvent("CALL_CLOSED", STEP).callId());

        assertCapture(capture ->
        {
            final SipCapture.Message invite = only(capture.matching(m -> m.isRequest("INVITE") &&
                m.to().equals(refereeTls)), "linda's INVITE to Referee's TLS port");
            final List<SipCapture.Message> lindaLeg = capture.callId(invite.callId());
            assertTrue(has(lindaLeg, m -> m.isResponse("INVITE", 200) && m.sentBy(refereeTls)), "200 to linda");
            assertTrue(has(lindaLeg, m -> m.isRequest("BYE") && !m.sentBy(refereeTls)), "linda's BYE");
            assertTrue(lindaLeg.stream().allMatch(m -> "TLS".equals(m.viaTransport()) &&
                (m.to().equals(refereeTls) || m.from().equals(refereeTls))),
                () -> "linda's dialog went over her connection to Referee's TLS port: " + lindaLeg);
            assertOverTls(capture.callId(atBob.callId()), bob);
        });
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldNeverReachRefereeFromLinphoneThatDoesNotTrustItsCertificateAndServeTheNextCall() throws IOException
    {
        final long tlsFailedBefore = referee.status().counter("tlsFailed");
        // The rogue certificate is self-signed: as linphone's only root, it trusts no certificate the test CA signed.
        linda = Linphone.start("linda", LINDA_TONE, Files.createDirectories(dir.resolve("linda-rogue-ca")),
            TlsBridge.CERTIFICATES.resolve("rogue.pem"));

        linda.call(uri("bobtls") + ";transport=tls");
        // linphone says the call failed, and holds it no more.
        assertTrue(Ports.await(() -> CALL_ERROR.matcher(linda.output()).find(), STEP),
            () -> "linphonec reports the call failed: " + linda.output());
        linda.awaitCalls("without calls after the failed one", List::isEmpty, STEP);
        // Referee saw a TLS handshake fail, and no SIP from it.
        referee.awaitStatus("tlsFailed counts linphone's refusal", s -> s.counter("tlsFailed") > tlsFailedBefore,
            STEP);

        // The next call, over TLS, goes through; and by the time its INVITE is in the capture, nothing else is.
        final Call next = establish(alice, bob);
        alice.hangup();
        bob.awaitEvent("CALL_CLOSED", STEP);
        assertTrue(bob.unconsumed("CALL_INCOMING").isEmpty(), "bob was called once: by alice");
        assertCapture(capture ->
        {
            final List<SipCapture.Message> invites = capture.matching(m -> m.isRequest("INVITE"));
            assertTrue(has(invites, m -> m.callId().equals(next.calleeCallId())), "the next call reached bob");
            assertEquals(Set.of(next.callerCallId(), next.calleeCallId()),
                invites.stream().map(SipCapture.Message::callId).collect(Collectors.toSet()),
                "no INVITE but the next call's: linphone's never reached Referee as SIP");
        });
        final RefereeStatus status = referee.status();
        assertEquals(tlsFailedBefore + 1, status.counter("tlsFailed"), () -> "one refused handshake: " + status.raw());
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    /** The two Call-IDs of an answered call: the caller's dialog with Referee and Referee's with the callee. */
    private record Call(String callerCallId, String calleeCallId)
    {
    }

    /** {@code caller} calls {@code callee} through Referee over TLS, the callee answers, both see it established. */
    private static Call establish(final Baresip caller, final Baresip callee)
    {
        caller.dial(uri(callee.user()));
        final CtrlTcp.Event incoming = callee.awaitEvent("CALL_INCOMING", STEP);
        assertTrue(incoming.peerUri().startsWith("sip:" + caller.user() + "@"), incoming::raw);
        callee.accept();
        final CtrlTcp.Event established = caller.awaitEvent("CALL_ESTABLISHED", STEP);
        callee.awaitEvent("CALL_ESTABLISHED", STEP);
        return new Call(established.callId(), incoming.callId());
    }

    /**
     * Referee's TLS address for {@code user}; baresip adds its account's {@code ;transport=tls} when dialling (a URI
     * with it already would get it twice), linphone needs it added.
     */
    private static String uri(final String user)
    {
        return "sip:" + user + "@" + refereeTls;
    }

    /**
     * Every message of a phone's dialog crossed TLS: between Referee's TLS port and a connection of the phone's, or
     * the phone's TLS port and a connection of Referee's, with {@code SIP/2.0/TLS} in the top Via; none went to or
     * from the phone's UDP port.
     */
    private static void assertOverTls(final List<SipCapture.Message> dialog, final Baresip phone)
    {
        assertFalse(dialog.isEmpty(), () -> "no message of " + phone.user() + "'s dialog");
        for (final SipCapture.Message m : dialog)
        {
            final boolean tlsPorts = m.to().equals(refereeTls) || m.from().equals(refereeTls) ||
                m.to().equals(phone.tlsAddress()) || m.from().equals(phone.tlsAddress());
            assertTrue(tlsPorts && "TLS".equals(m.viaTransport()) && !m.to().equals(phone.address()) &&
                !m.from().equals(phone.address()), () -> phone.user() + "'s dialog over TLS only: " + m);
        }
    }

    /** Waits until the phone has decoded a second of this tone (since its recordings were last deleted). */
    private static void awaitHeard(final Baresip phone, final Tone tone)
    {
        if (!Ports.await(() -> phone.heard(TONES).millisOf(tone) >= HEARD_MS, AUDIO_WITHIN))
        {
            throw new AssertionError(phone.user() + " did not hear " + HEARD_MS + " ms of " + tone + " within " +
                AUDIO_WITHIN + ": " + phone.heard(TONES));
        }
    }

    private static SipCapture.Message last(final List<SipCapture.Message> messages,
        final Predicate<SipCapture.Message> condition, final String what)
    {
        final List<SipCapture.Message> matching = messages.stream().filter(condition).toList();
        assertFalse(matching.isEmpty(), () -> "no " + what + " in " + messages);
        return matching.get(matching.size() - 1);
    }

    private static SipCapture.Message only(final List<SipCapture.Message> messages, final String what)
    {
        assertEquals(1, messages.size(), () -> "one " + what + ": " + messages);
        return messages.get(0);
    }

    private static boolean has(final List<SipCapture.Message> messages,
        final Predicate<SipCapture.Message> condition)
    {
        return messages.stream().anyMatch(condition);
    }

    private static SipCapture capture()
    {
        return SipCapture.read(sngrep.pcap()).since(testStartMs);
    }

    /**
     * Runs the checks on this test's capture until they pass or {@link #STEP} has passed
     * ({@link SipCapture#assertEventually}: sngrep writes each message a moment after the phones saw it).
     */
    private static void assertCapture(final Consumer<SipCapture> checks)
    {
        SipCapture.assertEventually(sngrep.pcap(), testStartMs, STEP, checks);
    }
}
