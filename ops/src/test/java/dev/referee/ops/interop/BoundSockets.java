package dev.referee.ops.interop;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The SIP port a SIPp process bound, read from Linux's {@code /proc}. SIPp 3.6 given {@code -p 0} binds 5060 or the
 * next free port up itself (so nothing can take the port between a choice and the bind), but reports the port only
 * on its screen, which it prints when it exits, or into its screen file on SIGUSR2, a signal whose default action
 * ends a process that has not installed its handler yet. So the tests look at the sockets instead: of the process's
 * sockets bound on the loopback address (a listening one for TCP), the one with the lowest file descriptor, because
 * SIPp opens its SIP socket before its media and control sockets.
 */
final class BoundSockets
{
    /** 127.0.0.1 as /proc/net/{udp,tcp} write it (little-endian hex). */
    private static final String LOOPBACK_HEX = "0100007F";
    private static final String TCP_LISTEN = "0A";

    private BoundSockets()
    {
    }

    /**
     * The port of the SIP socket {@code pid} has bound for {@code transport}: its first socket of that protocol (the
     * lowest file descriptor); 0 while that one is not bound on 127.0.0.1 yet (or not listening, for TCP). Not the
     * first socket found bound: SIPp creates its SIP socket first but may bind its media sockets before it, and a
     * test once took a media port (6008) for the SIP port, so every INVITE routed there was lost. An inet socket not
     * bound yet is in none of /proc/net's tables (UDP until bound, TCP until listening): such a socket before the
     * first one of the transport's table means SIPp's SIP socket is not bound yet, so 0 (the first fix skipped it
     * and took the next, a media socket: 6008 again in a CI run of 2026-12-06).
     */
    static int sipPort(final long pid, final SippTransport transport)
    {
        final boolean tcp = transport == SippTransport.TCP;
        final Path net = Paths.get("/proc", Long.toString(pid), "net");
        final Map<Long, Integer> portByInode = portsByInode(net.resolve(tcp ? "tcp" : "udp"), tcp);
        final Set<Long> listed = new HashSet<>(portByInode.keySet());
        for (final String table : List.of(tcp ? "udp" : "tcp", "udp6", "tcp6"))
        {
            listed.addAll(portsByInode(net.resolve(table), false).keySet());
        }
        listed.addAll(unixSocketInodes(net.resolve("unix")));
        for (final long inode : socketsByDescriptor(pid).values())
        {
            final Integer port = portByInode.get(inode);
            if (port != null)
            {
                return port;
            }
            if (!listed.contains(inode))
            {
                return 0; // an inet socket not bound yet comes first: the SIP socket, most likely
            }
        }
        return 0;
    }

    /** The inodes /proc/net/unix lists (its seventh column): every Unix socket, bound or not. */
    private static Set<Long> unixSocketInodes(final Path table)
    {
        final int inodeColumn = 6;
        final Set<Long> inodes = new HashSet<>();
        for (final String[] fields : rows(table))
        {
            if (fields.length > inodeColumn)
            {
                inodes.add(Long.parseLong(fields[inodeColumn]));
            }
        }
        return inodes;
    }

    /**
     * The ports of every socket {@code pid} has bound on 127.0.0.1 (listening ones for TCP), in the order of their file
     * descriptors, so in the order the process opened them. The phone drivers use it: baresip given port 0 binds
     * its SIP UDP, SIP TCP and SIP TLS sockets, then its ctrl_tcp one, and says which ports only in verbose logs.
     */
    static List<Integer> loopbackPorts(final long pid, final boolean tcp)
    {
        final Map<Long, Integer> portByInode = portsByInode(Paths.get("/proc", Long.toString(pid), "net",
            tcp ? "tcp" : "udp"), tcp);
        final List<Integer> ports = new ArrayList<>();
        for (final long inode : socketsByDescriptor(pid).values())
        {
            final Integer port = portByInode.get(inode);
            if (port != null && port != 0)
            {
                ports.add(port);
            }
        }
        return ports;
    }

    /** Socket inodes of the process, by file descriptor (ascending). */
    private static TreeMap<Integer, Long> socketsByDescriptor(final long pid)
    {
        final TreeMap<Integer, Long> sockets = new TreeMap<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Paths.get("/proc", Long.toString(pid), "fd")))
        {
            for (final Path fd : fds)
            {
                final String target = readLink(fd);
                if (target.startsWith("socket:[") && target.endsWith("]"))
                {
                    sockets.put(Integer.parseInt(fd.getFileName().toString()),
                        Long.parseLong(target.substring("socket:[".length(), target.length() - 1)));
                }
            }
        }
        catch (final IOException ex)
        {
            // The process is gone or not started yet: no socket.
        }
        return sockets;
    }

    /**
     * Inode to local port of every socket in a /proc/net table: its port when bound on 127.0.0.1 (and listening, with
     * {@code listeningOnly}), 0 otherwise (not bound yet, bound elsewhere, not listening).
     */
    private static Map<Long, Integer> portsByInode(final Path table, final boolean listeningOnly)
    {
        final Map<Long, Integer> ports = new HashMap<>();
        for (final String[] fields : rows(table))
        {
            // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
            if (fields.length < 10)
            {
                continue;
            }
            final boolean usable = fields[1].startsWith(LOOPBACK_HEX + ":") &&
                (!listeningOnly || TCP_LISTEN.equals(fields[3]));
            ports.put(Long.parseLong(fields[9]),
                usable ? Integer.parseInt(fields[1].substring(LOOPBACK_HEX.length() + 1), 16) : 0);
        }
        return ports;
    }

    /** The rows of a /proc/net table, split on blanks, its header line left out; none when there is no such table. */
    private static List<String[]> rows(final Path table)
    {
        final List<String> lines;
        try
        {
            lines = Files.readAllLines(table);
        }
        catch (final IOException ex)
        {
            return List.of();
        }
        final List<String[]> rows = new ArrayList<>();
        for (final String line : lines.subList(Math.min(1, lines.size()), lines.size()))
        {
            rows.add(line.trim().split("\\s+"));
        }
        return rows;
    }

    private static String readLink(final Path link)
    {
        try
        {
            return Files.readSymbolicLink(link).toString();
        }
        catch (final IOException | UnsupportedOperationException ex)
        {
            return "";
        }
    }
}
