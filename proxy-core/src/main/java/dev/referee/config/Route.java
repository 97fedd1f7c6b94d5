package dev.referee.config;

import java.net.InetSocketAddress;
import java.util.regex.Pattern;

/** One {@code routes} entry: requests whose Request-URI user part matches {@code user} go to {@code target}. */
public record Route(Pattern user, InetSocketAddress target, int transport)
{
}
