package dev.referee.engine.config;

import dev.referee.config.AddressSyntax;
import dev.referee.config.ConfigException;
import dev.referee.config.ConfigSection;
import dev.referee.config.ConfigValue;
import dev.referee.config.Durations;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * The {@code media} section (issue 10, docs/media.md). Read here, in the engine's configuration, because the engine
 * is what uses it: it allocates the port pairs, writes the address into the SDP it sends, and gives each endpoint its
 * timeouts and strict-source; the node only binds the relay on {@link #address()}.
 *
 * @param enabled       {@code media.enabled}: anchor RTP and RTCP in Referee. False by default while the relay is not
 *                      wired into the engine: with false (and, until the wiring lands, with true as well) Referee
 *                      passes SDP through as before.
 * @param address       {@code media.address}: the address the relay binds its ports on, and writes in SDP unless
 *                      {@code advertise} is given.
 * @param advertise     {@code media.advertise}: the address written in SDP when it differs from the bound one (NAT);
 *                      null when absent.
 * @param lowPort       {@code media.ports}, its first port: even (an RTP port, RFC 3550 §11).
 * @param highPort      {@code media.ports}, its last port.
 * @param timeoutMs     {@code media.timeout}: a call whose legs send no RTP or RTCP for this long ends.
 * @param holdTimeoutMs {@code media.hold-timeout}: the same while on hold (sendonly, recvonly or inactive).
 * @param strictSource  {@code media.strict-source}: after a peer's source is latched, drop packets from elsewhere.
 */
public record MediaConfig(
    boolean enabled,
    InetAddress address,
    InetAddress advertise,
    int lowPort,
    int highPort,
    long timeoutMs,
    long holdTimeoutMs,
    boolean strictSource)
{
    private static final String DEFAULT_ADDRESS = "127.0.0.1";
    private static final int DEFAULT_LOW_PORT = 30_000;
    private static final int DEFAULT_HIGH_PORT = 39_999;

    public static MediaConfig defaults()
    {
        return new MediaConfig(false, AddressSyntax.ipLiteral(DEFAULT_ADDRESS), null, DEFAULT_LOW_PORT,
            DEFAULT_HIGH_PORT, 60_000, 3_600_000, false);
    }

    /** The address the SDP Referee sends names: {@code advertise} when given, else {@code address}. */
    public InetAddress sdpAddress()
    {
        return advertise != null ? advertise : address;
    }

    /** RTP/RTCP pairs in {@code ports}: the relay's endpoint bound. */
    public int pairs()
    {
        return (highPort - lowPort + 1) / 2;
    }

    /** The {@code media} section. Every key is checked, enabled or not, so a mistake shows before it is switched on. */
    public static MediaConfig read(final ConfigSection section) throws ConfigException
    {
        section.allowOnly("enabled", "address", "advertise", "ports", "timeout", "hold-timeout", "strict-source");
        final MediaConfig defaults = defaults();
        final InetAddress address = address(section.get("address"), defaults.address());
        final ConfigValue advertiseValue = section.get("advertise");
        final InetAddress advertise = address(advertiseValue, null);
        if (advertise == null && address.isAnyLocalAddress())
        {
            // A phone cannot send to 0.0.0.0: the SDP needs an address the relay is reachable at.
            throw section.require("address").error("a wildcard address needs media.advertise (the address written " +
                "in SDP)");
        }
        if (advertise != null)
        {
            if (advertise.isAnyLocalAddress())
            {
                throw advertiseValue.error("must be an address a peer can send to, not a wildcard");
            }
            if ((advertise instanceof Inet6Address) != (address instanceof Inet6Address))
            {
                // The relay's sockets have address's family: a peer sending to the other family reaches nothing.
                throw advertiseValue.error("must be of the same address family as media.address");
            }
        }
        final int[] ports = ports(section.get("ports"), defaults);
        return new MediaConfig(
            section.bool("enabled", defaults.enabled()),
            address,
            advertise,
            ports[0],
            ports[1],
            section.durationMs("timeout", defaults.timeoutMs(), Durations.ONE_DAY_MS),
            section.durationMs("hold-timeout", defaults.holdTimeoutMs(), Durations.ONE_DAY_MS),
            section.bool("strict-source", defaults.strictSource()));
    }

    private static InetAddress address(final ConfigValue value, final InetAddress defaultAddress)
        throws ConfigException
    {
        if (value == null)
        {
            return defaultAddress;
        }
        value.nonEmptyText();
        return value.parsed("address", AddressSyntax::ipLiteral);
    }

    /** {@code "LOW-HIGH"}: LOW even, both within 1..65535, at least one RTP/RTCP pair (LOW, LOW + 1). */
    private static int[] ports(final ConfigValue value, final MediaConfig defaults) throws ConfigException
    {
        if (value == null)
        {
            return new int[] {defaults.lowPort(), defaults.highPort()};
        }
        final String text = value.text().trim();
        final int dash = text.indexOf('-');
        final int low;
        final int high;
        try
        {
            low = dash > 0 ? Integer.parseInt(text.substring(0, dash).trim()) : -1;
            high = dash > 0 ? Integer.parseInt(text.substring(dash + 1).trim()) : -1;
        }
        catch (final NumberFormatException ex)
        {
            throw value.error("expected a port range LOW-HIGH (got '" + text + "')");
        }
        if (low < 1 || high < 1)
        {
            throw value.error("expected a port range LOW-HIGH (got '" + text + "')");
        }
        if (low > 65_535 || high > 65_535)
        {
            throw value.error("ports must be between 1 and 65535 (got '" + text + "')");
        }
        if ((low & 1) != 0)
        {
            throw value.error("must start on an even port, RTP's (RTCP is RTP + 1) (got '" + text + "')");
        }
        if (high < low + 1)
        {
            throw value.error("must hold at least one RTP/RTCP pair (got '" + text + "')");
        }
        return new int[] {low, high};
    }
}
