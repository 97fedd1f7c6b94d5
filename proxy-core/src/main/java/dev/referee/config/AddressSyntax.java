package dev.referee.config;

import dev.referee.transport.Transport;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Reads the address forms of the configuration. Only IP literals (and {@code localhost}) are accepted: names are
 * never looked up in DNS here, so validating a file is fast, offline and gives the same answer everywhere.
 * Every failure is an {@link IllegalArgumentException} whose message is the plain reason.
 */
public final class AddressSyntax
{
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+(%[0-9A-Za-z_.-]+)?");

    private AddressSyntax()
    {
    }

    /** "udp:127.0.0.1:5060", "tcp:[::1]:5060", "tls:127.0.0.1:5061". */
    public static ListenAddress listen(final String text)
    {
        final int colon = text.indexOf(':');
        if (colon < 0)
        {
            throw new IllegalArgumentException("expected transport:host:port, e.g. udp:127.0.0.1:5060");
        }
        return new ListenAddress(transport(text.substring(0, colon)), bindAddress(text.substring(colon + 1)));
    }

    /**
     * An address to listen on: as {@link #hostPort}, and port 0 is allowed (the system picks a free port when the
     * node binds, and the node reports it: tests bind this way, without a probe-then-bind race).
     */
    public static InetSocketAddress bindAddress(final String text)
    {
        return hostPort(text, 0);
    }

    /**
     * "udp", "tcp" or "tls" in any case, as {@link Transport#UDP}, {@link Transport#TCP} or {@link Transport#TLS}.
     * Compared here, not with a call into the transport package, which reads its configuration through this one
     * (only its constants, compiled in, are used here: no package cycle).
     */
    public static int transport(final String name)
    {
        if ("udp".equalsIgnoreCase(name))
        {
            return Transport.UDP;
        }
        if ("tcp".equalsIgnoreCase(name))
        {
            return Transport.TCP;
        }
        if ("tls".equalsIgnoreCase(name))
        {
            return Transport.TLS;
        }
        throw new IllegalArgumentException("transport must be udp, tcp or tls");
    }

    /** "127.0.0.1:5060", "[::1]:5060", "localhost:5060". */
    public static InetSocketAddress hostPort(final String text)
    {
        return hostPort(text, 1);
    }

    private static InetSocketAddress hostPort(final String text, final int lowestPort)
    {
        final String host;
        final String port;
        if (text.startsWith("["))
        {
            final int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':')
            {
                throw new IllegalArgumentException("expected [ipv6]:port");
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
        }
        else
        {
            final int colon = text.lastIndexOf(':');
            if (colon < 0)
            {
                throw new IllegalArgumentException("missing port");
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
            if (host.indexOf(':') >= 0)
            {
                throw new IllegalArgumentException("an IPv6 address must be written in brackets: [::1]:5060");
            }
        }
        return new InetSocketAddress(ipLiteral(host), port(port, lowestPort));
    }

    /** An IPv4 or IPv6 literal (without brackets) or "localhost"; never a DNS lookup. */
    public static InetAddress ipLiteral(final String host)
    {
        if (host.isEmpty())
        {
            throw new IllegalArgumentException("missing host");
        }
        if ("localhost".equalsIgnoreCase(host))
        {
            return InetAddress.getLoopbackAddress();
        }
        if (IPV4.matcher(host).matches())
        {
            for (final String part : host.split("\\."))
            {
                if (Integer.parseInt(part) > 255)
                {
                    throw new IllegalArgumentException("not an IPv4 address");
                }
            }
            return byLiteral(host);
        }
        if (host.indexOf(':') >= 0 && IPV6.matcher(host).matches())
        {
            // The bracketed form makes InetAddress treat the text as a literal and never consult DNS.
            return byLiteral("[" + host + "]");
        }
        throw new IllegalArgumentException("host must be an IP address or localhost (names are not resolved)");
    }

    /** A port number in 1..65535. */
    public static int port(final String text)
    {
        return port(text, 1);
    }

    private static int port(final String text, final int lowest)
    {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(Character::isDigit))
        {
            throw new IllegalArgumentException("port must be a number in " + lowest + "..65535");
        }
        final int port = Integer.parseInt(text);
        if (port < lowest || port > 65_535)
        {
            throw new IllegalArgumentException("port " + port + " out of range " + lowest + "..65535");
        }
        return port;
    }

    private static InetAddress byLiteral(final String literal)
    {
        try
        {
            return InetAddress.getByName(literal);
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException("not an IP address");
        }
    }
}
