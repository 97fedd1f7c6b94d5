package dev.referee.ops.interop;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * sngrep (Debian {@code sngrep}, 1.6) as an independent HEP collector: {@code sngrep -N -q -L udp:127.0.0.1:PORT
 * -O FILE.pcap} listens for HEP v3 on loopback without its interface and writes each decoded message to a pcap as
 * an Ethernet/IPv4/UDP frame carrying the HEP chunks' addresses, ports and time; read back with tshark
 * ({@link #sipMessages()}). Its only capture source is the HEP listener (no {@code -d}: with a device as well it
 * writes no pcap at all). The password goes in a config file of its own ({@code set eep.listen.pass}); packets
 * without it, or with another, are dropped by sngrep. Stopped by its PID.
 */
final class SngrepCollector implements AutoCloseable
{
    private static final Duration BIND_TIMEOUT = Duration.ofSeconds(10);

    private final Process process;
    private final int port;
    private final Path pcap;
    private final Path log;

    private SngrepCollector(final Process process, final int port, final Path pcap, final Path log)
    {
        this.process = process;
        this.port = port;
        this.pcap = pcap;
        this.log = log;
    }

    /**
     * Starts sngrep listening for HEP on a loopback port the system had free a moment before (sngrep cannot be given
     * port 0 and report it); returns once the port is bound by it.
     *
     * @param password the HEP password sngrep requires, or null for none.
     */
    static SngrepCollector start(final Path dir, final String password)
    {
        final Path config = dir.resolve("sngreprc");
        final Path pcap = dir.resolve("hep.pcap");
        final Path log = dir.resolve("sngrep.log");
        try
        {
            Files.writeString(config, password == null ? "" : "set eep.listen.pass " + password + "\n",
                StandardCharsets.US_ASCII);
            final int port = freeUdpPort();
            final Process process = new ProcessBuilder("sngrep", "-F", "-f", config.toString(), "-N", "-q",
                "-L", "udp:" + Ports.LOOPBACK + ":" + port, "-O", pcap.toString())
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            final SngrepCollector collector = new SngrepCollector(process, port, pcap, log);
            if (!Ports.await(() -> collector.bound() || !process.isAlive(), BIND_TIMEOUT) || !process.isAlive())
            {
                collector.close();
                throw new AssertionError("sngrep did not listen on udp:" + port + ": " + ProcessLogs.tail(log, 20));
            }
            return collector;
        }
        catch (final IOException ex)
        {
            throw new AssertionError("cannot start sngrep (Debian package sngrep; scripts/install-test-tools.sh): " +
                ex, ex);
        }
    }

    int port()
    {
        return port;
    }

    long pid()
    {
        return process.pid();
    }

    Path pcap()
    {
        return pcap;
    }

    /** sngrep writes each packet as it comes; waits until the pcap has stopped growing (bounded). */
    void awaitQuiet(final Duration timeout)
    {
        final long[] last = {-1};
        Ports.await(() ->
        {
            final long size = size();
            final boolean quiet = size > 0 && size == last[0];
            last[0] = size;
            return quiet;
        }, timeout);
    }

    /** One line per SIP message in the pcap, as tshark dissects it. */
    List<WireMessage> sipMessages()
    {
        final List<String> command = List.of("tshark", "-r", pcap.toString(), "--enable-heuristic", "sip_udp",
            "-Y", "sip", "-T", "fields", "-E", "separator=|", "-e", "ip.src", "-e", "udp.srcport", "-e", "ip.dst",
            "-e", "udp.dstport", "-e", "sip.Call-ID", "-e", "sip.CSeq", "-e", "sip.Method", "-e", "sip.Status-Code");
        try
        {
            final Process tshark = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            final String out = new String(tshark.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!tshark.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || tshark.exitValue() != 0)
            {
                throw new AssertionError(String.join(" ", command) + " failed: " + out);
            }
            final List<WireMessage> messages = new ArrayList<>();
            for (final String line : out.split("\n"))
            {
                if (!line.isBlank())
                {
                    messages.add(WireMessage.ofTshark(line));
                }
            }
            return messages;
        }
        catch (final IOException ex)
        {
            throw new AssertionError("cannot run tshark (Debian package tshark): " + ex, ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", ex);
        }
    }

    String logTail()
    {
        return ProcessLogs.tail(log, 20);
    }

    @Override
    public void close()
    {
        ProcessLogs.stop(process, Duration.ofSeconds(5));
    }

    private long size()
    {
        try
        {
            return Files.exists(pcap) ? Files.size(pcap) : 0;
        }
        catch (final IOException ex)
        {
            return 0;
        }
    }

    /** Whether /proc/net/udp shows the port bound on loopback. */
    private boolean bound()
    {
        final String local = String.format(Locale.ROOT, "0100007F:%04X", port);
        try
        {
            return Files.readAllLines(Path.of("/proc/net/udp")).stream().anyMatch(line -> line.contains(local));
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    private static int freeUdpPort() throws IOException
    {
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(Ports.LOOPBACK), 0)))
        {
            return probe.getLocalPort();
        }
    }

    /**
     * A SIP message as it crossed a socket: who sent it to whom, its Call-ID, CSeq and start (method or status).
     * Compared as a whole between SIPp's traces and the capture.
     */
    record WireMessage(String from, String to, String callId, String cseq, String start)
    {
        static WireMessage ofTshark(final String line)
        {
            final String[] f = line.split("\\|", -1);
            return new WireMessage(f[0] + ":" + f[1], f[2] + ":" + f[3], f[4], f[5], f[6].isEmpty() ? f[7] : f[6]);
        }

        @Override
        public String toString()
        {
            return from + " -> " + to + " " + start + " (" + cseq + ") " + callId;
        }
    }
}
