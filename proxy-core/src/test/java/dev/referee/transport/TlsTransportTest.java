package dev.referee.transport;

import dev.referee.pipeline.EchoEngine;
import dev.referee.pipeline.InboundHandler;
import dev.referee.pipeline.SipPipeline;
import dev.referee.transport.tls.PemFiles;
import dev.referee.transport.tls.TlsConfig;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static dev.referee.pipeline.PipelineTestSupport.*;
import static dev.referee.transport.TcpTransportTest.readExactly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS on real sockets against the JDK's own TLS client and server (SSLSocket): messages both ways, mutual TLS,
 * and what is refused without harm (a plain TCP client on the TLS port, an untrusted certificate either way, a
 * handshake that never ends). Certificates: src/test/resources/tls (make-certificates.sh).
 */
class TlsTransportTest
{
    private static final long SECOND_NS = TimeUnit.SECONDS.toNanos(1);
    private static final int TIMEOUT_MS = 10_000;
    /** Idle 60 s, read (and handshake) 10 s. */
    private static final TcpConfig TCP = new TcpConfig(100, 60_000, 10_000);

    private final AtomicLong nowNs = new AtomicLong(1_000 * SECOND_NS);
    private final EchoEngine engine = new EchoEngine();
    private SipPipeline pipeline;

    @AfterEach
    void after()
    {
        if (pipeline != null)
        {
            pipeline.close();
        }
    }

    @Test
    void shouldCarryMessagesBothWaysOnAConnectionAClientWithATrustedCertificateOpened() throws Exception
    {
        start(true);
        try (SSLSocket client = client("client"))
        {
            final String request = request("OPTIONS", "tls-1@test", "z9hG4bK-t1", 1, "TLS", "");
            client.getOutputStream().write(bytes(request));
            assertEquals(request, readExactly(client.getInputStream(), bytes(request).length));
            assertEquals(Transport.TLS, engine.transports.peek(), "the engine is told the message came over TLS");
            assertEquals(request, engine.received.peek());
        }
        assertEquals(0, pipeline.counters().tlsFailed.get());
    }

    @Test
    void shouldCarryAMessageLargerThanOneTlsRecordInBothDirections() throws Exception
    {
        start(true);
        try (SSLSocket client = client("client"))
        {
            final String request = request("MESSAGE", "tls-big@test", "z9hG4bK-big", 1, "TLS", "x".repeat(50_000));
            client.getOutputStream().write(bytes(request));
            assertEquals(request, readExactly(client.getInputStream(), bytes(request).length));
        }
    }

    @Test
    void shouldRefuseAClientWhoseCertificateIsNotTrustedAndServeTheNextOne() throws Exception
    {
        start(true);
        try (SSLSocket rogue = client("rogue"))
        {
            assertRefused(rogue, request("OPTIONS", "rogue@test", "z9hG4bK-r", 1, "TLS", ""));
        }
        await("failure counted", () -> pipeline.counters().tlsFailed.get() == 1);
        try (SSLSocket anonymous = client(null))
        {
            assertRefused(anonymous, request("OPTIONS", "anon@test", "z9hG4bK-a", 1, "TLS", ""));
        }
        await("failure counted", () -> pipeline.counters().tlsFailed.get() == 2);
        assertTrue(engine.received.isEmpty(), "nothing from them reached the engine");

        try (SSLSocket client = client("client"))
        {
            final String request = request("OPTIONS", "after@test", "z9hG4bK-ok", 1, "TLS", "");
            client.getOutputStream().write(bytes(request));
            assertEquals(request, readExactly(client.getInputStream(), bytes(request).length));
        }
    }

    @Test
    void shouldServeClientsWithoutCertificatesWhenPeersAreNotVerified() throws Exception
    {
        start(false);
        try (SSLSocket phone = client(null))
        {
            final String request = request("OPTIONS", "phone@test", "z9hG4bK-p", 1, "TLS", "");
            phone.getOutputStream().write(bytes(request));
            assertEquals(request, readExactly(phone.getInputStream(), bytes(request).length));
        }
    }

    @Test
    void shouldCloseAPlainTcpClientOnTheTlsPortAndKeepServingTheTcpPort() throws Exception
    {
        start(true);
        try (Socket plain = TcpTransportTest.connect(pipeline.localAddress(Transport.TLS)))
        {
            assertRefused(plain, request("OPTIONS", "plain@test", "z9hG4bK-pl", 1, "TCP", ""));
        }
        await("failure counted", () -> pipeline.counters().tlsFailed.get() == 1);
        assertTrue(engine.received.isEmpty());

        try (Socket tcp = TcpTransportTest.connect(pipeline.localAddress(Transport.TCP)))
        {
            final String request = request("OPTIONS", "tcp@test", "z9hG4bK-tcp", 1, "TCP", "");
            tcp.getOutputStream().write(bytes(request));
            assertEquals(request, readExactly(tcp.getInputStream(), bytes(request).length));
            assertEquals(Transport.TCP, engine.transports.peek());
        }
    }

    @Test
    void shouldCloseAConnectionWhoseHandshakeDoesNotEndWithinTheReadTimeout() throws Exception
    {
        start(true);
        try (Socket silent = TcpTransportTest.connect(pipeline.localAddress(Transport.TLS)))
        {
            await("connection open", () -> pipeline.counters().tcpConnectionsOpen() == 1);
            nowNs.addAndGet(9 * SECOND_NS);
            assertEquals(0, pipeline.counters().tcpReadTimeouts.get());
            nowNs.addAndGet(SECOND_NS);
            await("handshake timed out", () -> pipeline.counters().tcpReadTimeouts.get() == 1);
            assertRefused(silent, null);
        }
    }

    @Test
    void shouldOpenATlsConnectionToATrustedServerAndTakeItsAnswerOnIt() throws Exception
    {
        start(true);
        try (SSLServerSocket server = server("server"))
        {
            final String request = request("OPTIONS", "out@test", "z9hG4bK-out", 1, "TLS", "");
            send(request, (InetSocketAddress)server.getLocalSocketAddress());
            try (SSLSocket accepted = (SSLSocket)server.accept())
            {
                accepted.setSoTimeout(TIMEOUT_MS);
                assertEquals(request, readExactly(accepted.getInputStream(), bytes(request).length));
                assertEquals("CN=phone.test", ((X509Certificate)accepted.getSession().getPeerCertificates()[0])
                    .getSubjectX500Principal().getName(), "Referee presented its certificate when asked");

                final String answer = response(200, "out@test", "z9hG4bK-out", 1, "OPTIONS");
                accepted.getOutputStream().write(bytes(answer));
                // The echo engine sends the answer back on the connection it came in on.
                assertEquals(answer, readExactly(accepted.getInputStream(), bytes(answer).length));
                assertEquals(Transport.TLS, engine.transports.peek());
            }
        }
        assertEquals(0, pipeline.counters().tlsFailed.get());
    }

    @Test
    void shouldNotSendToAServerWhoseCertificateDoesNotVerify() throws Exception
    {
        start(true);
        try (SSLServerSocket server = server("rogue"))
        {
            send(request("OPTIONS", "rogue-out@test", "z9hG4bK-ro", 1, "TLS", ""),
                (InetSocketAddress)server.getLocalSocketAddress());
            try (SSLSocket accepted = (SSLSocket)server.accept())
            {
                accepted.setSoTimeout(TIMEOUT_MS);
                assertRefused(accepted, null);
            }
        }
        await("failure counted", () -> pipeline.counters().tlsFailed.get() == 1);
        await("the engine told", () -> !engine.transportFailures.isEmpty());
        assertEquals(1, pipeline.counters().tcpConnectFailures.get());
    }

    @Test
    void shouldTellTheEngineWhenAConnectionItAskedForIsRefused() throws Exception
    {
        start(true);
        final InetSocketAddress closed;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, address("127.0.0.1")))
        {
            closed = (InetSocketAddress)probe.getLocalSocketAddress(); // nothing listens there once closed
        }
        send(request("OPTIONS", "refused@test", "z9hG4bK-rf", 1, "TLS", ""), closed);
        await("the engine told", () -> closed.equals(engine.transportFailures.peek()));
        assertEquals(1, pipeline.counters().tcpConnectFailures.get());
        assertTrue(engine.received.isEmpty(), "a failure is no message");
    }

    private void send(final String message, final InetSocketAddress destination)
    {
        final byte[] bytes = bytes(message);
        assertTrue(pipeline.sender().send(Transport.TLS, destination, 0, new UnsafeBuffer(bytes), 0, bytes.length));
    }

    /**
     * Sends {@code request} (unless null): the peer's handshake failed or it closed; whatever the JDK reports of it
     * (an alert, a reset, a broken pipe on the write), no SIP came, only (for a plain socket) a TLS alert record
     * (content type 21) before the close.
     */
    private static void assertRefused(final Socket socket, final String request)
    {
        try
        {
            if (request != null)
            {
                socket.getOutputStream().write(bytes(request));
            }
            final byte[] rest = socket.getInputStream().readAllBytes();
            assertTrue(rest.length == 0 || rest[0] == 21, "closed with at most a TLS alert, got " + rest.length +
                " bytes starting " + rest[0]);
        }
        catch (final SSLException | SocketException ex)
        {
            // the handshake failed (alert) or the connection was reset: refused either way
        }
        catch (final IOException ex)
        {
            throw new AssertionError("unexpected " + ex, ex);
        }
    }

    /**
     * A dialog's messages that find the inbound ring full wait on their TLS connection (decrypted, at the start of
     * its read buffer; the connection unread) and reach the engine in order once it frees slots: none is dropped.
     */
    @Test
    void shouldHoldADialogsMessagesOnTlsWhileTheRingIsFullAndDeliverThemInOrder() throws Exception
    {
        final CountDownLatch release = new CountDownLatch(1);
        final int ringSize = 8;
        start(true, ringSize, (event, endOfBatch) ->
        {
            try
            {
                release.await(TIMEOUT_MS, TimeUnit.MILLISECONDS); // the engine stalls until released
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            engine.onInbound(event, endOfBatch);
        });
        try (SSLSocket client = client("client"))
        {
            final List<String> sent = new ArrayList<>();
            for (int i = 0; i < ringSize; i++)
            {
                sent.add(request("OPTIONS", "fill-" + i + "@test", "z9hG4bK-o" + i, i + 1, "TLS", ""));
            }
            client.getOutputStream().write(bytes(String.join("", sent)));
            await("the ring full", () -> pipeline.inboundRemainingCapacity() == 0);
            final List<String> dialog = new ArrayList<>();
            for (int i = 0; i < 3; i++)
            {
                // Bodies of 0, 5,000 and 10,000 bytes: several TLS records, more than the first read buffer holds.
                dialog.add(request("INFO", "dialog@test", "z9hG4bK-d" + i, 10 + i, "TLS", "x".repeat(5_000 * i))
                    .replace("To: <sip:bob@example.com>", "To: <sip:bob@example.com>;tag=b1"));
            }
            client.getOutputStream().write(bytes(String.join("", dialog)));
            await("the first waits for a slot", () -> pipeline.counters().tcpHeldForRing.get() == 1);

            release.countDown();
            sent.addAll(dialog);
            await("every message reached the engine", () -> engine.received.size() == sent.size());
            assertEquals(sent, new ArrayList<>(engine.received), "in the order sent");
            assertEquals(0, pipeline.counters().tcpInboundDropped.get());
            assertEquals(0, pipeline.counters().tcpOverloadResponses.get());
        }
    }

    private void start(final boolean verifyPeer) throws Exception
    {
        start(verifyPeer, 64, engine);
    }

    private void start(final boolean verifyPeer, final int ringSize, final InboundHandler handler) throws Exception
    {
        final TlsConfig tls = new TlsConfig(file("client.pem"), file("client.key"), file("ca.pem"), verifyPeer,
            TlsConfig.ALLOWED_PROTOCOLS);
        pipeline = new SipPipeline(config(ringSize, 1_000),
            List.of(listen(Transport.TCP, "127.0.0.1"), listen(Transport.TLS, "127.0.0.1")), AGENT,
            OverloadConfig.defaults(), List.of(), SecurityConfig.defaults(false), TCP, tls, nowNs::get);
        engine.sender = pipeline.sender();
        pipeline.start(handler);
    }

    /** A JDK TLS client trusting the test CA, presenting {@code name}'s certificate (none when null). */
    private SSLSocket client(final String name) throws Exception
    {
        final SSLSocket socket = (SSLSocket)context(name).getSocketFactory().createSocket();
        socket.connect(pipeline.localAddress(Transport.TLS), TIMEOUT_MS);
        socket.setSoTimeout(TIMEOUT_MS);
        return socket;
    }

    /** A JDK TLS server on a free loopback port with {@code name}'s certificate, trusting the test CA. */
    private static SSLServerSocket server(final String name) throws Exception
    {
        final SSLServerSocket server = (SSLServerSocket)context(name).getServerSocketFactory()
            .createServerSocket(0, 8, address("127.0.0.1"));
        server.setNeedClientAuth(true);
        server.setSoTimeout(TIMEOUT_MS);
        return server;
    }

    static SSLContext context(final String name) throws Exception
    {
        KeyManagerFactory keys = null;
        if (name != null)
        {
            final KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(name, PemFiles.privateKey(file(name + ".key")), new char[0],
                PemFiles.certificates(file(name + ".pem")).toArray(new X509Certificate[0]));
            keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, new char[0]);
        }
        final KeyStore roots = KeyStore.getInstance("PKCS12");
        roots.load(null, null);
        roots.setCertificateEntry("ca", PemFiles.certificates(file("ca.pem")).get(0));
        final TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(roots);
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
        return context;
    }

    static Path file(final String name) throws URISyntaxException
    {
        return Path.of(TlsTransportTest.class.getResource("/tls/" + name).toURI());
    }

    @Test
    void shouldRefuseAKeyThatIsNotTheCertificatesAtStart() throws Exception
    {
        final TlsConfig mismatched = new TlsConfig(file("server.pem"), file("client.key"), null, true,
            TlsConfig.ALLOWED_PROTOCOLS);
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> dev.referee.transport.tls.TlsContext.create(mismatched));
        assertTrue(ex.getMessage().contains("not the private key of the certificate"), ex.getMessage());
    }
}
