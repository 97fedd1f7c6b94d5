package dev.referee.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * The whole configuration, read once at start and immutable after.
 *
 * @param listen      where SIP is received (and what Via/Contact advertise per transport).
 * @param routes      first match wins.
 * @param journalDir  Chronicle Queue directory.
 * @param admin       HTTP admin address; null when disabled.
 * @param pipeline    ring sizes, wait strategy, tick interval.
 * @param sip         protocol timers and limits.
 */
public record RefereeConfig(
    List<ListenAddress> listen,
    List<Route> routes,
    Path journalDir,
    InetSocketAddress admin,
    PipelineConfig pipeline,
    SipConfig sip)
{
    /** Ring sizes are powers of two. */
    public record PipelineConfig(int inboundRingSize, int outboundRingSize, String waitStrategy, int tickIntervalMs)
    {
        public static PipelineConfig defaults()
        {
            return new PipelineConfig(16_384, 16_384, "blocking", 10);
        }
    }

    /** RFC 3261 T1, T2, T4 in milliseconds; {@code maxCalls} bounds engine state (503 past it). */
    public record SipConfig(int t1Ms, int t2Ms, int t4Ms, int maxCalls, String userAgent)
    {
        public static SipConfig defaults()
        {
            return new SipConfig(500, 4_000, 5_000, 100_000, "Referee");
        }
    }
}
