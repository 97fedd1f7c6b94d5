package dev.referee.config;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The whole configuration, read once at start and immutable after. {@link ConfigLoader} builds it from YAML;
 * the YAML key of each component is named in its description.
 *
 * @param listen      {@code listen}: where SIP is received (and what Via/Contact advertise per transport).
 * @param routes      {@code routes}: first match wins.
 * @param journalDir  {@code journal.dir}: Chronicle Queue directory.
 * @param admin       {@code admin}: HTTP admin address; null when disabled.
 * @param pipeline    {@code pipeline}: ring sizes, wait strategy, tick interval.
 * @param sip         {@code sip}: protocol timers and limits.
 * @param journal     {@code journal} apart from its directory: roll cycle, retention, snapshots.
 * @param transfer    {@code transfer}: how a terminated REFER is carried out.
 * @param redirect    {@code redirect}: 3xx recursion.
 * @param trunks      {@code trunks}: per-source transfer policy; empty means the default trunk applies.
 * @param webhook     {@code webhook}: settings shared by every trunk's transfer webhook.
 * @param cdr         {@code cdr}: call records.
 * @param warmUp      {@code warm-up}: synthetic calls run through a throwaway node before the listeners open.
 * @param overload    {@code overload}: when new calls are shed.
 * @param security    {@code security} and {@code trunks[].flood}: what the receive threads do with unknown and
 *                    flooding sources (docs/security.md, "Receive side").
 * @param tcp         {@code tcp}: connection limits and timeouts.
 */
public record RefereeConfig(
    List<ListenAddress> listen,
    List<Route> routes,
    Path journalDir,
    InetSocketAddress admin,
    PipelineConfig pipeline,
    SipConfig sip,
    JournalConfig journal,
    TransferConfig transfer,
    RedirectConfig redirect,
    List<TrunkConfig> trunks,
    WebhookConfig webhook,
    CdrConfig cdr,
    WarmUpConfig warmUp,
    OverloadConfig overload,
    SecurityConfig security,
    TcpConfig tcp)
{
    public RefereeConfig
    {
        listen = List.copyOf(listen);
        routes = List.copyOf(routes);
        trunks = List.copyOf(trunks);
    }

    /**
     * The form before {@code security} and {@code tcp} existed (the warm-up node, tests): both take their defaults,
     * and the security default follows from whether any trunk is configured.
     */
    public RefereeConfig(
        final List<ListenAddress> listen,
        final List<Route> routes,
        final Path journalDir,
        final InetSocketAddress admin,
        final PipelineConfig pipeline,
        final SipConfig sip,
        final JournalConfig journal,
        final TransferConfig transfer,
        final RedirectConfig redirect,
        final List<TrunkConfig> trunks,
        final WebhookConfig webhook,
        final CdrConfig cdr,
        final WarmUpConfig warmUp,
        final OverloadConfig overload)
    {
        this(listen, routes, journalDir, admin, pipeline, sip, journal, transfer, redirect, trunks, webhook, cdr,
            warmUp, overload, SecurityConfig.defaults(!trunks.isEmpty()), TcpConfig.defaults());
    }

    /**
     * The original six-part form, kept so that code written against it (engine tests) still compiles;
     * every later section takes its default.
     */
    public RefereeConfig(
        final List<ListenAddress> listen,
        final List<Route> routes,
        final Path journalDir,
        final InetSocketAddress admin,
        final PipelineConfig pipeline,
        final SipConfig sip)
    {
        this(
            listen,
            routes,
            journalDir,
            admin,
            pipeline,
            sip,
            JournalConfig.defaults(),
            TransferConfig.defaults(),
            RedirectConfig.defaults(),
            List.of(),
            WebhookConfig.defaults(),
            CdrConfig.defaults(),
            WarmUpConfig.defaults(),
            OverloadConfig.defaults());
    }

    /** This configuration with another {@code warm-up} section (the warm-up node itself runs with none). */
    public RefereeConfig withWarmUp(final WarmUpConfig warmUp)
    {
        return new RefereeConfig(listen, routes, journalDir, admin, pipeline, sip, journal, transfer, redirect, trunks,
            webhook, cdr, warmUp, overload, security, tcp);
    }

    /** This configuration with other {@code listen} addresses (the node's own, once a configured port 0 is bound). */
    public RefereeConfig withListen(final List<ListenAddress> listen)
    {
        return new RefereeConfig(listen, routes, journalDir, admin, pipeline, sip, journal, transfer, redirect, trunks,
            webhook, cdr, warmUp, overload);
    }

    /** Ring sizes are powers of two; {@code waitStrategy} is blocking, sleeping, yielding or busy-spin. */
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

    /** How often the journal starts a new file (Chronicle roll cycle). */
    public enum JournalRoll
    {
        MINUTELY,
        HOURLY,
        DAILY
    }

    /**
     * @param roll               {@code journal.roll}.
     * @param retainCycles       {@code journal.retain}: roll cycles kept; older files may be deleted.
     * @param snapshotIntervalMs {@code journal.snapshot-interval}: engine state snapshot period, bounds restart time.
     * @param enabled            {@code journal.enabled}: false runs without a journal (no recovery, no replay
     *                           tools); meant for measuring what journaling costs.
     */
    public record JournalConfig(JournalRoll roll, int retainCycles, long snapshotIntervalMs, boolean enabled)
    {
        /** An enabled journal: the form code written before {@code journal.enabled} existed uses. */
        public JournalConfig(final JournalRoll roll, final int retainCycles, final long snapshotIntervalMs)
        {
            this(roll, retainCycles, snapshotIntervalMs, true);
        }

        public static JournalConfig defaults()
        {
            return new JournalConfig(JournalRoll.DAILY, 7, 60_000, true);
        }
    }

    /** What happens to the transferee when the transfer target fails after the transferor has hung up. */
    public enum OnTransferFailure
    {
        /** Call the transferor back and join the transferee to it. */
        RECALL,
        /** End the transferee's call. */
        HANGUP
    }

    /**
     * @param acceptStatus           {@code transfer.accept-status}: 202 (RFC 3515) or 200 (RFC 7647).
     * @param transferorByeTimeoutMs {@code transfer.transferor-bye-timeout}: Referee sends BYE itself after this.
     * @param ringTimeoutMs          {@code transfer.ring-timeout}: a target not answering by then has failed.
     * @param onFailure              {@code transfer.on-failure}.
     */
    public record TransferConfig(
        int acceptStatus, long transferorByeTimeoutMs, long ringTimeoutMs, OnTransferFailure onFailure)
    {
        public static TransferConfig defaults()
        {
            return new TransferConfig(202, 32_000, 60_000, OnTransferFailure.RECALL);
        }
    }

    /** @param max {@code redirect.max}: 3xx Contacts followed per call, 0 relays 3xx to the caller. */
    public record RedirectConfig(int max)
    {
        public static RedirectConfig defaults()
        {
            return new RedirectConfig(5);
        }
    }

    /** What a trunk does with a REFER received from it. */
    public enum TransferMode
    {
        /** Referee performs the transfer itself. */
        TERMINATE,
        /** The REFER is passed to the other leg, rewritten. */
        RELAY,
        /** The REFER is refused with 403. */
        REJECT
    }

    /**
     * @param name     {@code trunks[i].name}: unique, used in call records and logs.
     * @param sources  {@code trunks[i].sources}: a request whose source address is in one of these selects the trunk.
     * @param transfer {@code trunks[i].transfer}.
     */
    public record TrunkConfig(String name, List<Cidr> sources, TrunkTransferPolicy transfer)
    {
        public TrunkConfig
        {
            sources = List.copyOf(sources);
        }
    }

    /**
     * @param mode      {@code mode}.
     * @param allowPstn {@code allow-pstn}: tel: URIs and E.164-looking targets are allowed.
     * @param targets   {@code targets}: regexes on the target's user part; empty means any routable target.
     * @param webhook   {@code webhook}: consulted before each transfer; null when not set.
     */
    public record TrunkTransferPolicy(TransferMode mode, boolean allowPstn, List<Pattern> targets, URI webhook)
    {
        public TrunkTransferPolicy
        {
            targets = List.copyOf(targets);
        }

        /** The policy of the default trunk, and of a trunk that has no {@code transfer} section. */
        public static TrunkTransferPolicy defaults()
        {
            return new TrunkTransferPolicy(TransferMode.TERMINATE, false, List.of(), null);
        }
    }

    /** @param timeoutMs {@code webhook.timeout}: an unanswered webhook falls back to the trunk policy. */
    public record WebhookConfig(long timeoutMs)
    {
        public static WebhookConfig defaults()
        {
            return new WebhookConfig(2_000);
        }
    }

    /** @param dir {@code cdr.dir}: one JSON line per call leg is written there. */
    public record CdrConfig(Path dir)
    {
        public static CdrConfig defaults()
        {
            return new CdrConfig(Path.of("./data/cdr"));
        }
    }

    /**
     * A freshly started JVM runs its code interpreted, then compiles it, and on two cores the compiler threads take
     * the CPU the pipeline needs: offered a carrier's full load at once it fell behind and failed calls. So before
     * the listeners open, {@code calls} synthetic calls go through a throwaway node on loopback (same pipeline,
     * engine and journal code) until the compiler has little left to do, for at most {@code maxMs}.
     *
     * @param calls {@code warm-up.calls}: calls driven hard (then a trickle until compilation settles); 0 disables.
     * @param maxMs {@code warm-up.max-time}: the warm-up stops then, however far it got.
     */
    public record WarmUpConfig(int calls, long maxMs)
    {
        /** No warm-up (the form used by code that builds a configuration itself, and by the warm-up node itself). */
        public static final WarmUpConfig NONE = new WarmUpConfig(0, 0);

        public static WarmUpConfig defaults()
        {
            return new WarmUpConfig(10_000, 5_000);
        }

        public boolean enabled()
        {
            return calls > 0 && maxMs > 0;
        }
    }

    /**
     * When the receive threads shed new calls (503 with Retry-After) before the engine sees them: the engine is
     * handling inputs older than {@code maxLagMs}, or the inbound ring is fuller than {@code maxRingFillPercent}.
     * Requests of established dialogs, ACK and CANCEL are never shed.
     *
     * @param maxLagMs           {@code overload.max-lag}: 2*T1 (1 s) by default. Callers retransmit from T1 on
     *                           (absorbed while queued), so work grows past it; but a limit of T1 still refused a
     *                           call on a passing stall at start-up (a compilation, a busy core), and 200 ms on any.
     * @param maxRingFillPercent {@code overload.max-ring-fill}: percent of {@code pipeline.inbound-ring}.
     * @param retryAfterSeconds  {@code overload.retry-after}: Retry-After of the 503, whole seconds.
     */
    public record OverloadConfig(long maxLagMs, int maxRingFillPercent, int retryAfterSeconds)
    {
        /** Never sheds on lag or fill (the warm-up node: its own phones, driven as fast as it goes). */
        public static final OverloadConfig NEVER = new OverloadConfig(3_600_000, 100, 0);

        public static OverloadConfig defaults()
        {
            return new OverloadConfig(1_000, 50, 1);
        }
    }

    /** What the receive threads do with a request whose source address is in no trunk. */
    public enum UnknownSources
    {
        /** Answer {@code 403 Forbidden} with a Reason header, statelessly; the default once any trunk exists. */
        REJECT,
        /** Drop it without an answer. */
        DROP,
        /** Let it through as if it came from a trunk with the default policy; the default without trunks. */
        ALLOW
    }

    /**
     * Per-source flood control on the receive threads, like Kamailio's pike: each source address may send requests
     * at {@code ratePerSecond} on average with bursts of {@code burst}; a source that goes beyond is blocked (every
     * message from it dropped) for {@code blockMs}.
     *
     * @param ratePerSecond {@code security.flood.rate}: 0 when flood control is off.
     * @param burst         {@code security.flood.burst}: requests a quiet source may send at once.
     * @param blockMs       {@code security.flood.block}.
     */
    public record FloodConfig(int ratePerSecond, int burst, long blockMs)
    {
        /** {@code security.flood: off}. */
        public static final FloodConfig OFF = new FloodConfig(0, 0, 0);

        /**
         * 200 requests/s with bursts of 400 and a minute's block: a call costs its caller three or four requests, so
         * one address may start some 50 calls a second, a busy PBX's peak; a source past it is a flood or a loop.
         * Carrier interconnects carrying more than that from one address are trunks with {@code flood: false}.
         */
        public static FloodConfig defaults()
        {
            return new FloodConfig(200, 400, 60_000);
        }

        public boolean enabled()
        {
            return ratePerSecond > 0;
        }
    }

    /**
     * @param unknownSources  {@code security.unknown-sources}.
     * @param flood           {@code security.flood}.
     * @param unlimitedTrunks names of the trunks with {@code flood: false}: their sources are never flood-limited.
     */
    public record SecurityConfig(UnknownSources unknownSources, FloodConfig flood, List<String> unlimitedTrunks)
    {
        public SecurityConfig
        {
            unlimitedTrunks = List.copyOf(unlimitedTrunks);
        }

        /**
         * Configuring a trunk turns the border on: unknown sources are rejected and every source is flood-limited.
         * Without trunks Referee stays open, as it was before trunks selected anything but the REFER policy.
         */
        public static SecurityConfig defaults(final boolean anyTrunk)
        {
            return anyTrunk ?
                new SecurityConfig(UnknownSources.REJECT, FloodConfig.defaults(), List.of()) :
                new SecurityConfig(UnknownSources.ALLOW, FloodConfig.OFF, List.of());
        }
    }

    /**
     * @param maxConnections {@code tcp.max-connections}: connections accepted at once; one more is accepted and closed
     *                       at once (counted), so the listen backlog does not fill with connections never served.
     * @param idleTimeoutMs  {@code tcp.idle-timeout}: a connection with no byte read or written for this long closes.
     * @param readTimeoutMs  {@code tcp.read-timeout}: a message whose first byte arrived this long ago and is still
     *                       incomplete closes its connection (slowloris).
     */
    public record TcpConfig(int maxConnections, long idleTimeoutMs, long readTimeoutMs)
    {
        public static TcpConfig defaults()
        {
            return new TcpConfig(10_000, 600_000, 10_000);
        }
    }
}
