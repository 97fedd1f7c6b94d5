package dev.referee.ops.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Referee over TLS (issue 12), with mutual TLS on both legs as a carrier trunk (Microsoft Teams Direct Routing style)
 * asks: SIPp parties speak TCP into {@link TlsBridge}s, where the JDK's own TLS carries them to Referee's
 * {@code tls:} address, and Referee's TLS connections to the {@code ;transport=tls} targets arrive at bridges in front
 * of the SIPp callees. Referee's certificate is the test CA's server certificate (127.0.0.1); it presents it as
 * client too, and verifies both ends against the test CA.
 */
@Tag("interop")
class TlsInteropTest
{
    private static final Duration SIPP_BOUND = Duration.ofSeconds(30);
    private static final Duration CALLS_END_WITHIN = Duration.ofSeconds(15);

    @RegisterExtension
    static final FailureDump DUMP = new FailureDump();

    private static Path workDir;
    private static RefereeProcess current;
    private RefereeProcess referee;

    @BeforeAll
    static void requireSipp() throws IOException
    {
        Sipp.binary();
        workDir = DUMP.workDir("referee-tls-interop-");
        DUMP.always(() -> current == null ? "(no Referee)" : "--- Referee (pid " + current.pid() + ") " +
            current.logFile() + ":\n" + current.logTail(80));
    }

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
    void shouldCompleteCallsOverTlsOnBothLegsAndRefuseWhatIsNotTrustedTlsWithoutHarm(final TestInfo test)
        throws Exception
    {
        final Path dir = dir(test);
        final int calls = 20;
        try (SippParties parties = new SippParties(DUMP))
        {
            final int bobPort = parties.start(Sipp.uas("uas-answer-then-wait-bye.xml", dir)
                .transport(SippTransport.TCP).calls(calls).globalTimeout(SIPP_BOUND), calls).localPort();
            try (TlsBridge bob = TlsBridge.fromTls("server", local(bobPort)))
            {
                startReferee(dir, List.of(tlsRoute("bobtls", bob.port())));

                // Refused without harm, before the calls: a plain TCP client on the TLS port, and a TLS client whose
                // certificate the CA did not sign.
                try (Socket plain = new Socket())
                {
                    plain.connect(local(referee.tlsPort()), 5_000);
                    plain.setSoTimeout(10_000);
                    assertNoSipAnswer(plain, "OPTIONS sip:bobtls@127.0.0.1 SIP/2.0\r\n\r\n");
                }
                try (SSLSocket rogue = (SSLSocket)TlsBridge.context("rogue").getSocketFactory().createSocket())
                {
                    rogue.connect(local(referee.tlsPort()), 5_000);
                    rogue.setSoTimeout(10_000);
                    assertNoSipAnswer(rogue, "OPTIONS sip:x@y SIP/2.0\r\n\r\n");
                }

                try (TlsBridge alice = TlsBridge.toTls("client", local(referee.tlsPort())))
                {
                    parties.start(Sipp.uac("uac-basic-call.xml", dir).remote(alice.port()).service("bobtls")
                        .transport(SippTransport.TCP).calls(calls).rate(10).limit(10).holdMs(100).globalTimeout(SIPP_BOUND),
                        calls);
                    parties.assertAllSucceeded(SIPP_BOUND);

                    // Referee named its TLS address on each leg: in the Via and Contact it sent toward Bob, in the
                    // Contact of the answers toward Alice.
                    final String tls = "127.0.0.1:" + referee.tlsPort();
                    assertTrue(bob.plaintext().contains("Via: SIP/2.0/TLS " + tls), "Via toward Bob names TLS");
                    assertTrue(bob.plaintext().contains("<sip:referee@" + tls + ";transport=tls>"), "Contact to Bob");
                    assertTrue(alice.plaintext().contains("<sip:referee@" + tls + ";transport=tls>"),
                        "Contact in the answers to Alice");
                }
            }
        }
        final RefereeStatus status = referee.awaitCallsEnded(CALLS_END_WITHIN);
        assertEquals(0, status.activeCalls(), status::raw);
        assertEquals(2, status.counter("tlsFailed"), "the plain and the untrusted client, nothing else: " +
            status.raw());
        final String replay = JournalTool.run(referee.journalDir(), "replay");
        assertTrue(replay.startsWith("replay OK: "), replay);
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldPerformABlindTransferWhosePartiesAreAllOnTls(final TestInfo test) throws Exception
    {
        final Path dir = dir(test);
        try (SippParties parties = new SippParties(DUMP))
        {
            final int carolPort = parties.start(Sipp.uas("uas-target-answer-offer-then-wait-bye.xml", dir)
                .transport(SippTransport.TCP).globalTimeout(SIPP_BOUND), 1).localPort();
            final int bobPort = parties.start(Sipp.uas("uas-answer-then-refer-blind.xml", dir)
                .transport(SippTransport.TCP).key("target", "carol").globalTimeout(SIPP_BOUND), 1).localPort();
            try (TlsBridge carol = TlsBridge.fromTls("server", local(carolPort));
                TlsBridge bob = TlsBridge.fromTls("server", local(bobPort)))
            {
                startReferee(dir, List.of(tlsRoute("bobtls", bob.port()), tlsRoute("carol", carol.port())));
                try (TlsBridge alice = TlsBridge.toTls("client", local(referee.tlsPort())))
                {
                    parties.start(Sipp.uac("uac-call-then-accept-transfer-reinvite.xml", dir).remote(alice.port())
                        .service("bobtls").key("target", "carol").transport(SippTransport.TCP).holdMs(200)
                        .globalTimeout(SIPP_BOUND), 1);
                    parties.assertAllSucceeded(SIPP_BOUND);
                    assertTrue(bob.plaintext().contains("REFER sip:"), "Bob's REFER crossed Bob's TLS leg");
                    assertTrue(bob.plaintext().contains("SIP/2.0 202"), "and Referee accepted it there");
                    assertTrue(carol.plaintext().contains("INVITE sip:carol@"), "Referee called Carol over TLS");
                    assertEquals(1, carol.connections());
                }
            }
        }
        final RefereeStatus status = referee.awaitCallsEnded(CALLS_END_WITHIN);
        assertEquals(0, status.activeCalls(), status::raw);
        assertEquals(0, status.counter("tlsFailed"), status::raw);
    }

    private void startReferee(final Path dir, final List<RefereeProcess.Route> routes) throws IOException
    {
        referee = RefereeProcess.startWithTls(Files.createDirectories(dir.resolve("referee")),
            RefereeProcess.NO_PARTY, routes, TlsBridge.refereeTlsYaml());
        current = referee;
        assertFalse(referee.tlsPort() == 0, "Referee listens on TLS");
    }

    private static RefereeProcess.Route tlsRoute(final String user, final int port)
    {
        return new RefereeProcess.Route(user, port,
            "    target: \"" + Ports.LOOPBACK + ":" + port + ";transport=tls\"\n");
    }

    /** Sends {@code request}: closed with at most a TLS alert, or a failed handshake; never a SIP answer. */
    private static void assertNoSipAnswer(final Socket socket, final String request) throws IOException
    {
        try
        {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            final byte[] rest = socket.getInputStream().readAllBytes();
            assertFalse(new String(rest, StandardCharsets.ISO_8859_1).contains("SIP/2.0"), "no SIP answer");
        }
        catch (final SSLException | java.net.SocketException ex)
        {
            // the handshake failed or the connection was reset: refused
        }
    }

    private static InetSocketAddress local(final int port)
    {
        return new InetSocketAddress(Ports.LOOPBACK, port);
    }

    private static Path dir(final TestInfo test) throws IOException
    {
        return Files.createDirectories(workDir.resolve(test.getTestMethod().map(m -> m.getName()).orElse("test")));
    }
}
