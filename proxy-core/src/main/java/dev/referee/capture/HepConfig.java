package dev.referee.capture;

import dev.referee.config.AddressSyntax;
import dev.referee.config.ConfigException;
import dev.referee.config.ConfigSection;
import dev.referee.config.ConfigValue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The {@code hep} section: where a HEP v3 copy of every SIP message goes (docs/operations.md, "Capture (HEP)").
 * No {@code hep} key: no capture ({@link #OFF}).
 *
 * @param collector {@code hep.address}: the collector (Homer's heplify-server, sngrep -L), an IP literal and port.
 * @param transport {@code hep.transport}: {@code udp} (default; a datagram per message, as most agents send) or
 *                  {@code tcp} (one stream, reconnected when it breaks).
 * @param agentId   {@code hep.agent-id}: the capture agent id (chunk 0x000c) Homer shows as the capturing node.
 * @param password  {@code hep.password}: sent as the authentication key (chunk 0x000e) when set; null for none.
 */
public record HepConfig(InetSocketAddress collector, Transport transport, int agentId, String password)
{
    /** Capture off. */
    public static final HepConfig OFF = new HepConfig(null, Transport.UDP, 0, null);

    /** Default {@code agent-id}: the one the example names; give each node its own. */
    public static final int DEFAULT_AGENT_ID = 2001;

    /** The longest password accepted: sngrep's receive buffer for it holds 100 bytes. */
    static final int MAX_PASSWORD_BYTES = 99;

    /** How HEP packets reach the collector. */
    public enum Transport
    {
        UDP,
        TCP
    }

    public boolean enabled()
    {
        return collector != null;
    }

    /** The {@code hep} section when the key is present. */
    public static HepConfig read(final ConfigSection section) throws ConfigException
    {
        section.allowOnly("address", "transport", "agent-id", "password");
        final InetSocketAddress collector = section.require("address").parsed("address", AddressSyntax::hostPort);
        final Transport transport = section.choice("transport", Transport.class, Transport.UDP);
        final int agentId = section.integer("agent-id", DEFAULT_AGENT_ID, 0, Integer.MAX_VALUE);
        final ConfigValue password = section.get("password");
        final String text = password == null ? null : password.nonEmptyText();
        if (text != null && text.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES)
        {
            throw password.error("at most " + MAX_PASSWORD_BYTES + " bytes (collectors keep no more)");
        }
        return new HepConfig(collector, transport, agentId, text);
    }

    /** The password is a secret: never printed with the rest. */
    @Override
    public String toString()
    {
        return enabled() ? "HepConfig[" + transport.name().toLowerCase(java.util.Locale.ROOT) + ":" +
            collector.getAddress().getHostAddress() + ":" + collector.getPort() + ", agentId=" + agentId +
            (password == null ? "" : ", password=***") + "]" : "HepConfig[off]";
    }
}
