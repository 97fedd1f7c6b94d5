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
        if (name.length() != 3)
        {
            return -1;
        }
        final char a = Character.toLowerCase(name.charAt(0));
        final char b = Character.toLowerCase(name.charAt(1));
        final char c = Character.toLowerCase(name.charAt(2));
        if (b == 'c' && c == 'p')
        {
            return a == 'u' ? UDP : a == 't' ? TCP : -1;
        }
        return -1;
    }
}
