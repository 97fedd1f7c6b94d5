package dev.referee.ops.config;

import dev.referee.capture.HepConfig;
import dev.referee.cdr.CdrConfig;
import dev.referee.config.ListenAddress;
import dev.referee.engine.config.EngineConfig;
import dev.referee.engine.config.MediaConfig;
import dev.referee.engine.config.RedirectConfig;
import dev.referee.engine.config.Route;
import dev.referee.engine.config.SipConfig;
import dev.referee.engine.config.TransferConfig;
import dev.referee.engine.config.TrunkConfig;
import dev.referee.engine.config.WebhookConfig;
import dev.referee.engine.id.IdKey;
import dev.referee.journal.JournalConfig;
import dev.referee.ops.cluster.ClusterConfig;
import dev.referee.ops.log.LoggingConfig;
import dev.referee.pipeline.PipelineConfig;
import dev.referee.transport.OverloadConfig;
import dev.referee.transport.SecurityConfig;
import dev.referee.transport.TcpConfig;
import dev.referee.transport.tls.TlsConfig;
import dev.referee.transport.TrunkSources;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The whole configuration of a node, read once at start and immutable after: the sections of every module, each a
 * record of the module that uses it (and that reads it from YAML), put together by {@link ConfigLoader}.
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
 * @param tls         {@code tls}: certificate, key, trusted roots of {@code tls:} addresses and targets; null when absent.
 * @param hep         {@code hep}: where a HEP copy of every SIP message goes; {@link HepConfig#OFF} without it.
 * @param media       {@code media}: the media relay (issue 10); off by default.
 * @param cluster     {@code cluster}: the Aeron Cluster this node is a member of (issue 9); {@link ClusterConfig#NONE}
 *                    without it (a single node).
 * @param adminToken  {@code admin-token}: the bearer token that lets a non-loopback client POST admin actions
 *                    (reload); null: only loopback clients may.
 * @param file        the file this configuration was read from (a reload reads it again); null for the embedded
 *                    default or text parsed directly.
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
    TcpConfig tcp,
    TlsConfig tls,
    LoggingConfig logging,
    HepConfig hep,
    MediaConfig media,
    ClusterConfig cluster,
    String adminToken,
    Path file)
{
    public RefereeConfig
    {
        listen = List.copyOf(listen);
        routes = List.copyOf(routes);
        trunks = List.copyOf(trunks);
    }

    /** This configuration with another {@code warm-up} section (the warm-up node itself runs with none). */
    public RefereeConfig withWarmUp(final WarmUpConfig warmUp)
    {
        return new RefereeConfig(listen, routes, journalDir, admin, pipeline, sip, journal, transfer, redirect, trunks,
            webhook, cdr, warmUp, overload, security, tcp, tls, logging, hep, media, cluster, adminToken,
            file);
    }

    /** This configuration with other {@code listen} addresses (the node's own, once a configured port 0 is bound). */
    public RefereeConfig withListen(final List<ListenAddress> listen)
    {
        return new RefereeConfig(listen, routes, journalDir, admin, pipeline, sip, journal, transfer, redirect, trunks,
            webhook, cdr, warmUp, overload, security, tcp, tls, logging, hep, media, cluster, adminToken,
            file);
    }

    /** This configuration with another {@code admin} address. */
    public RefereeConfig withAdmin(final InetSocketAddress admin)
    {
        return new RefereeConfig(listen, routes, journalDir, admin, pipeline, sip, journal, transfer, redirect, trunks,
            webhook, cdr, warmUp, overload, security, tcp, tls, logging, hep, media, cluster, adminToken,
            file);
    }

    /** This configuration as read from {@code file} (which a reload reads again). */
    public RefereeConfig withFile(final Path file)
    {
        return new RefereeConfig(listen, routes, journalDir, admin, pipeline, sip, journal, transfer, redirect, trunks,
            webhook, cdr, warmUp, overload, security, tcp, tls, logging, hep, media, cluster, adminToken,
            file);
    }

    /** What the receive threads know of the trunks: names and source blocks. */
    public List<TrunkSources> trunkSources()
    {
        return trunks.stream().map(trunk -> new TrunkSources(trunk.name(), trunk.sources())).toList();
    }

    /** What the engine needs of this configuration, identifiers from {@code idKey}. */
    public EngineConfig engineConfig(final IdKey idKey)
    {
        return new EngineConfig(
            listen,
            routes,
            TimeUnit.MILLISECONDS.toNanos(sip.t1Ms()),
            TimeUnit.MILLISECONDS.toNanos(sip.t2Ms()),
            TimeUnit.MILLISECONDS.toNanos(sip.t4Ms()),
            sip.maxCalls(),
            sip.userAgent(),
            0,
            idKey,
            transfer,
            redirect,
            trunks,
            webhook,
            sip.maxTransactions(),
            EngineConfig.BEHAVIOUR,
            sip.sessionExpiresS(),
            sip.minSeS(),
            media);
    }
}
