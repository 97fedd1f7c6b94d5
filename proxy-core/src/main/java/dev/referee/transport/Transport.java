package dev.referee.transport;

/** Transport protocol ids carried in ring events and journal records. */
public final class Transport
{
    public static final int UDP = 1;
    public static final int TCP = 2;
    /** TLS over TCP (RFC 3261 §26.2.1, RFC 5630): framed as TCP, served by the same I/O thread. */
    public static final int TLS = 3;
    /** Number of transports: arrays indexed by {@link #index(int)} have this length. */
    public static final int COUNT = 3;

    private Transport()
    {
    }

    /** 0, 1, 2 for UDP, TCP, TLS: an index into per-transport arrays. */
    public static int index(final int transport)
    {
        return transport == TLS ? 2 : transport == TCP ? 1 : 0;
    }

    /** TCP or TLS: framed by Content-Length, reliable (no Timer A/E/G retransmissions), connection reused. */
    public static boolean isStream(final int transport)
    {
        return transport == TCP || transport == TLS;
    }

    /** "UDP" / "TCP" / "TLS", as written in a Via. */
    public static String viaName(final int transport)
    {
        return transport == TLS ? "TLS" : transport == TCP ? "TCP" : "UDP";
    }

    /** "udp" / "tcp" / "tls", as written in a URI transport parameter. */
    public static String paramName(final int transport)
    {
        return transport == TLS ? "tls" : transport == TCP ? "tcp" : "udp";
    }

    /** What follows host:port in a SIP URI Referee makes for this transport: nothing for UDP, the default. */
    public static String uriParameter(final int transport)
    {
        return transport == TLS ? ";transport=tls" : transport == TCP ? ";transport=tcp" : "";
    }

    /** Reads "udp", "tcp" or "tls" in any case; -1 when none. */
    public static int parse(final CharSequence name)
    {
        if (name.length() != 3)
        {
            return -1;
        }
        final char first = Character.toLowerCase(name.charAt(0));
        final char second = Character.toLowerCase(name.charAt(1));
        final char third = Character.toLowerCase(name.charAt(2));
        if (first == 'u' && second == 'd' && third == 'p')
        {
            return UDP;
        }
        if (first == 't' && second == 'c' && third == 'p')
        {
            return TCP;
        }
        return first == 't' && second == 'l' && third == 's' ? TLS : -1;
    }
}
