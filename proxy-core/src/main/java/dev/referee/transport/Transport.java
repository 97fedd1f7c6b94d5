package dev.referee.transport;

/** Transport protocol ids carried in ring events and journal records. */
public final class Transport
{
    public static final int UDP = 1;
    public static final int TCP = 2;

    private Transport()
    {
    }

    /** "UDP" / "TCP", as written in a Via. */
    public static String viaName(final int transport)
    {
        return transport == TCP ? "TCP" : "UDP";
    }

    /** "udp" / "tcp", as written in a URI transport parameter. */
    public static String paramName(final int transport)
    {
        return transport == TCP ? "tcp" : "udp";
    }

    /** Reads "udp"/"tcp" in any case; -1 when neither. */
    public static int parse(final CharSequence name)
    {
        if (name.length() != 3 || Character.toLowerCase(name.charAt(2)) != 'p')
        {
            return -1;
        }
        final char first = Character.toLowerCase(name.charAt(0));
        final char second = Character.toLowerCase(name.charAt(1));
        if (first == 'u' && second == 'd')
        {
            return UDP;
        }
        return first == 't' && second == 'c' ? TCP : -1;
    }
}
