package dev.referee.ops.interop;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TLS client or server made of the JDK's own TLS (SSLSocket), in front of a SIPp party that speaks TCP (the
 * Debian SIPp has no TLS): {@link #toTls} takes SIPp's TCP connections and carries them to Referee's TLS port,
 * {@link #fromTls} takes Referee's TLS connections and carries them to SIPp's TCP port. The bytes are SIPp's, the
 * TLS is the JDK's, so Referee talks to an independent TLS implementation. It keeps a copy of the plaintext both ways
 * (bounded) for the tests to read what crossed. At most a few connections, each served by two daemon threads; closed
 * with its sockets.
 */
final class TlsBridge implements AutoCloseable
{
    /** Test certificates (proxy-core/src/test/resources/tls, make-certificates.sh), from the ops module. */
    static final Path CERTIFICATES = Path.of("..", "proxy-core", "src", "test", "resources", "tls").toAbsolutePath()
        .normalize();
    private static final int MAX_CONNECTIONS = 16;
    private static final int MAX_COPY_BYTES = 4 * 1024 * 1024;

    private final ServerSocket listener;
    private final SSLContext context;
    private final InetSocketAddress next;
    private final boolean clientSideTls;
    private final List<Socket> sockets = new ArrayList<>();
    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();
    private final AtomicLong connections = new AtomicLong();
    private volatile boolean closed;

    private TlsBridge(final ServerSocket listener, final SSLContext context, final InetSocketAddress next,
        final boolean clientSideTls)
    {
        this.listener = listener;
        this.context = context;
        this.next = next;
        this.clientSideTls = clientSideTls;
        final Thread acceptor = new Thread(this::acceptLoop, "tls-bridge-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** TCP on a free loopback port, each connection carried over TLS to {@code tlsServer}, as client {@code name}. */
    static TlsBridge toTls(final String name, final InetSocketAddress tlsServer) throws Exception
    {
        return new TlsBridge(new ServerSocket(0, 8, InetAddress.getByName(Ports.LOOPBACK)), context(name), tlsServer,
            true);
    }

    /** TLS on a free loopback port with {@code name}'s certificate, each connection carried over TCP to {@code tcp}. */
    static TlsBridge fromTls(final String name, final InetSocketAddress tcp) throws Exception
    {
        final SSLServerSocket listener = (SSLServerSocket)context(name).getServerSocketFactory()
            .createServerSocket(0, 8, InetAddress.getByName(Ports.LOOPBACK));
        listener.setNeedClientAuth(true); // mutual TLS, as a carrier trunk asks of an SBC
        return new TlsBridge(listener, null, tcp, false);
    }

    int port()
    {
        return listener.getLocalPort();
    }

    long connections()
    {
        return connections.get();
    }

    /** The plaintext that crossed so far, both directions interleaved by chunk. */
    String plaintext()
    {
        synchronized (copy)
        {
            return copy.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private void acceptLoop()
    {
        while (!closed)
        {
            try
            {
                final Socket accepted = listener.accept();
                if (connections.incrementAndGet() > MAX_CONNECTIONS)
                {
                    accepted.close();
                    continue;
                }
                final Socket onward;
                if (clientSideTls)
                {
                    final SSLSocket tls = (SSLSocket)context.getSocketFactory().createSocket();
                    tls.connect(next, 5_000);
                    tls.startHandshake();
                    onward = tls;
                }
                else
                {
                    onward = new Socket();
                    onward.connect(next, 5_000);
                }
                synchronized (sockets)
                {
                    sockets.add(accepted);
                    sockets.add(onward);
                }
                pump(accepted, onward);
                pump(onward, accepted);
            }
            catch (final IOException ex)
            {
                // a failed handshake or a closed listener: the next accept (or the end)
            }
        }
    }

    private void pump(final Socket from, final Socket to)
    {
        final Thread thread = new Thread(() ->
        {
            final byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream())
            {
                int read;
                while ((read = in.read(buffer)) >= 0)
                {
                    out.write(buffer, 0, read);
                    out.flush();
                    synchronized (copy)
                    {
                        if (copy.size() + read <= MAX_COPY_BYTES)
                        {
                            copy.write(buffer, 0, read);
                        }
                    }
                }
            }
            catch (final IOException ex)
            {
                // one side closed: the other follows
            }
            finally
            {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "tls-bridge-pump");
        thread.setDaemon(true);
        thread.start();
    }

    public void close()
    {
        closed = true;
        closeQuietly(listener);
        synchronized (sockets)
        {
            sockets.forEach(TlsBridge::closeQuietly);
        }
    }

    private static void closeQuietly(final AutoCloseable closeable)
    {
        try
        {
            closeable.close();
        }
        catch (final Exception ex)
        {
            // closing anyway
        }
    }

    /** A JDK TLS context presenting {@code name}'s certificate (null: none), trusting the test CA only. */
    static SSLContext context(final String name) throws Exception
    {
        KeyManagerFactory keys = null;
        if (name != null)
        {
            final KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            final List<Certificate> chain = new ArrayList<>(certificates(name + ".pem"));
            store.setKeyEntry(name, privateKey(name + ".key"), new char[0], chain.toArray(new Certificate[0]));
            keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, new char[0]);
        }
        final KeyStore roots = KeyStore.getInstance("PKCS12");
        roots.load(null, null);
        roots.setCertificateEntry("ca", certificates("ca.pem").get(0));
        final TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(roots);
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
        return context;
    }

    /** Read here with the JDK alone (not Referee's PEM reader, which is under test). */
    private static List<X509Certificate> certificates(final String file) throws Exception
    {
        final List<X509Certificate> certificates = new ArrayList<>();
        try (InputStream in = Files.newInputStream(CERTIFICATES.resolve(file)))
        {
            for (final Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in))
            {
                certificates.add((X509Certificate)certificate);
            }
        }
        return certificates;
    }

    private static PrivateKey privateKey(final String file) throws Exception
    {
        final String pem = Files.readString(CERTIFICATES.resolve(file), StandardCharsets.US_ASCII);
        final String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    /** The tls section of a Referee configuration with the test certificates. */
    static String refereeTlsYaml()
    {
        return refereeTlsYaml(true);
    }

    /**
     * As {@link #refereeTlsYaml()}; {@code verifyPeer} false lets clients without a certificate in (phones:
     * docs/security.md, "Phones"). Servers Referee connects to are verified either way.
     */
    static String refereeTlsYaml(final boolean verifyPeer)
    {
        return "tls:\n" +
            "  certificate: \"" + CERTIFICATES.resolve("server.pem") + "\"\n" +
            "  key: \"" + CERTIFICATES.resolve("server.key") + "\"\n" +
            "  ca: \"" + CERTIFICATES.resolve("ca.pem") + "\"\n" +
            "  verify-peer: " + verifyPeer + "\n";
    }
}
