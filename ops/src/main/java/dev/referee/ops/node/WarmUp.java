package dev.referee.ops.node;

import dev.referee.capture.HepConfig;
import dev.referee.cdr.CdrConfig;
import dev.referee.config.ListenAddress;
import dev.referee.engine.config.MediaConfig;
import dev.referee.engine.config.Route;
import dev.referee.engine.id.IdKey;
import dev.referee.journal.JournalConfig;
import dev.referee.ops.cluster.ClusterConfig;
import dev.referee.ops.config.RefereeConfig;
import dev.referee.ops.config.WarmUpConfig;
import dev.referee.transport.OverloadConfig;
import dev.referee.transport.SecurityConfig;
import dev.referee.transport.TcpConfig;
import dev.referee.transport.Transport;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Runs synthetic calls through a throwaway node before the real one opens its listeners (see
 * {@link WarmUpConfig} for why). The warm-up node is the real code, configured like the real node
 * (rings, wait strategy, timers, journal settings) except for what must not be shared: it listens on an ephemeral
 * loopback UDP port, journals and writes call records into a temporary directory that is deleted afterwards, has
 * no admin HTTP and routes only {@link WarmUpPhones#USER} to the warm-up callee. Nothing of it survives but the
 * compiled code.
 * <p>
 * It drives {@code warm-up.calls} calls as fast as the node takes them, then a trickle until the JIT compiler has
 * gone quiet (less than {@link #SETTLED_COMPILE_SHARE} of a {@link #SETTLE_INTERVAL_NS} interval spent compiling),
 * and stops there or at {@code warm-up.max-time}, whichever comes first.
 */
public final class WarmUp
{
    /**
     * Compile time per wall time (summed over the compiler threads) below which the compiler counts as settled: its
     * queue is drained and what is left are rare paths.
     */
    static final double SETTLED_COMPILE_SHARE = 0.2;
    /** Calls in flight while the compiler catches up: enough to keep every path in use, little CPU. */
    static final int TRICKLE_WINDOW = 2;
    /** One synthetic call with or without a transfer per this many warm-up calls. */
    static final int TRANSFER_SHARE = 5;
    static final long SETTLE_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(250);
    /** Inputs between the warm-up node's snapshots at least: a snapshot of a nearly empty engine costs about 1 ms. */
    static final int MIN_SNAPSHOT_INPUTS = 500;

    /**
     * What a warm-up did: calls placed and ended, those of them that went all the way (answered, hung up), wall
     * time, the compile time the JVM reported over it (summed over compiler threads), and the journal snapshots (the
     * engine's planned pauses) taken in its staged half and in the half with the engine reading UDP itself, and the
     * messages its phones sent twice (WarmUpPhones.REPEAT_EVERY), and the calls of the transfer warm-up
     * (WarmUpTransfers; fewer than {@code calls / TRANSFER_SHARE} when {@code warm-up.max-time} ran out first).
     */
    public record Result(int calls, int answered, long elapsedMs, long compileMs, long snapshotsStaged,
        long snapshotsEngineReading, int repeated, int transferCalls)
    {
        @Override
        public String toString()
        {
            return "warm-up: " + answered + " of " + calls + " calls completed in " + elapsedMs + " ms (" + compileMs +
                " ms compiling, " + snapshotsStaged + "+" + snapshotsEngineReading + " snapshots, " + repeated +
                " messages repeated, " + transferCalls + " calls with or without a transfer in an engine of its own)";
        }
    }

    private WarmUp()
    {
    }

    /** Says what a warm-up did (INFO); nothing for null (none ran). */
    static void log(final Result result)
    {
        if (result != null)
        {
            System.getLogger(WarmUp.class.getName()).log(System.Logger.Level.INFO, result.toString());
        }
    }

    /** Warms up per {@code config.warmUp()}; returns null when it is disabled. */
    public static Result run(final RefereeConfig config) throws Exception
    {
        return run(config, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** {@link #run(RefereeConfig)} with the throwaway journal and call records under {@code tempParent}. */
    static Result run(final RefereeConfig config, final Path tempParent) throws Exception
    {
        final WarmUpConfig settings = config.warmUp();
        if (!settings.enabled())
        {
            return null;
        }
        final long startNs = System.nanoTime();
        final long deadlineNs = startNs + TimeUnit.MILLISECONDS.toNanos(settings.maxMs());
        final CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
        final long compileStartMs = compileMs(compiler);
        final Path dir = Files.createTempDirectory(tempParent, "referee-warm-up-");
        try
        {
            final int calls;
            final int answered;
            final long snapshotsStaged;
            final long snapshotsEngineReading;
            final int repeated;
            final int transferCalls;
            try (WarmUpPhones phones = new WarmUpPhones(InetAddress.getLoopbackAddress());
                RefereeNode node = NodeAssembly.start(warmUpConfig(config, dir, phones.calleeAddress())))
            {
                final InetSocketAddress referee = node.pipeline().localAddress(Transport.UDP);
                // Hard, until every hot method has been run often enough to be queued for compilation; then gently,
                // leaving the cores to the compiler threads until their queue has drained.
                // Half of them staged and half with the engine reading UDP itself (pipeline.udp-receive: engine), so
                // that the code of both ways is compiled before the listeners open: left to its load, the engine of a
                // node run flat out stays staged, and the real node compiled its run-to-completion code in its first
                // seconds (0.6-1 s of C2 a second for about 10 s).
                node.pipeline().holdEngineReadingUdp(false);
                phones.run(referee, WarmUpPhones.WINDOW, deadlineNs, ended -> ended >= settings.calls() / 2);
                snapshotsStaged = node.pipeline().progress().pauses();
                node.pipeline().holdEngineReadingUdp(true);
                phones.run(referee, WarmUpPhones.WINDOW, deadlineNs, ended -> ended >= settings.calls());
                snapshotsEngineReading = node.pipeline().progress().pauses() - snapshotsStaged;
                node.pipeline().holdEngineReadingUdp(null);
                // Blind transfers in an engine of their own: see WarmUpTransfers for why.
                final int transfers = settings.calls() / TRANSFER_SHARE;
                transferCalls = new WarmUpTransfers(new IdKey(0x5eed, transfers))
                    .run(transfers, deadlineNs).calls();
                calls = phones.run(referee, TRICKLE_WINDOW, deadlineNs, new Settled(compiler));
                answered = phones.answered();
                repeated = phones.repeated();
            }
            // The warm-up node's rings and buffers are garbage now: collect them here rather than in the middle of
            // the first calls.
            System.gc();
            return new Result(calls, answered, (System.nanoTime() - startNs) / 1_000_000,
                compileMs(compiler) - compileStartMs, snapshotsStaged, snapshotsEngineReading, repeated,
                transferCalls);
        }
        finally
        {
            deleteTree(dir);
        }
    }

    /** The real configuration, narrowed to what a throwaway node on loopback may use. */
    static RefereeConfig warmUpConfig(final RefereeConfig config, final Path dir, final InetSocketAddress callee)
    {
        return new RefereeConfig(
            List.of(new ListenAddress(Transport.UDP, new InetSocketAddress("127.0.0.1", 0))),
            List.of(new Route(Pattern.compile(Pattern.quote(WarmUpPhones.USER)), callee, Transport.UDP)),
            dir.resolve("journal"),
            null,
            config.pipeline(),
            config.sip(),
            snapshotting(config.journal(), config.warmUp().calls()),
            config.transfer(),
            config.redirect(),
            List.of(),
            config.webhook(),
            new CdrConfig(dir.resolve("cdr")),
            WarmUpConfig.NONE,
            OverloadConfig.NEVER,
            // Its own phones on loopback, driven as fast as they go: no border, no flood limit.
            SecurityConfig.defaults(false),
            TcpConfig.defaults(),
            null,
            config.logging(),
            // Its synthetic calls are no traffic of the node's: nothing of them goes to the HEP collector.
            HepConfig.OFF,
            // Its throwaway node binds no media ports: the real relay's range stays the node's alone.
            MediaConfig.defaults(),
            // A throwaway single node: no cluster's ports or log.
            ClusterConfig.NONE,
            null,
            null);
    }

    /**
     * The real journal's settings, with a snapshot about every {@code calls / 4} inputs (at least {@link
     * #MIN_SNAPSHOT_INPUTS}): about a dozen in each half of the warm-up (a call is about 6.4 inputs), staged and with
     * the engine reading UDP itself, and a few still when {@code warm-up.max-time} cuts a half short. A snapshot is a
     * planned pause of the engine, and the pipeline's hot loops (the engine's handler and loop, admission, the receive
     * side's check for a pause) have a branch for it. Left out of the warm-up, that branch was first taken at the real
     * node's first snapshot, under load: C2 threw those loops' code away and compiled them again (2026-12-07, 0.8-1 s
     * of compile time in the 15 s after it at 3,000 calls/s, 19-23 us a call).
     */
    static JournalConfig snapshotting(final JournalConfig journal, final int calls)
    {
        return new JournalConfig(journal.roll(), journal.retainCycles(), journal.snapshotIntervalMs(),
            journal.enabled(), Math.max(MIN_SNAPSHOT_INPUTS, calls / 4), journal.outputs());
    }

    private static long compileMs(final CompilationMXBean compiler)
    {
        return compiler != null && compiler.isCompilationTimeMonitoringSupported() ? compiler.getTotalCompilationTime() : 0;
    }

    /** The compiler quiet over one interval. */
    private static final class Settled implements WarmUpPhones.Stop
    {
        private final CompilationMXBean compiler;
        private long intervalStartNs = System.nanoTime();
        private long intervalCompileMs;

        Settled(final CompilationMXBean compiler)
        {
            this.compiler = compiler;
            this.intervalCompileMs = compileMs(compiler);
        }

        @Override
        public boolean enough(final int callsEnded)
        {
            final long nowNs = System.nanoTime();
            if (nowNs - intervalStartNs < SETTLE_INTERVAL_NS)
            {
                return false;
            }
            final long compiledMs = compileMs(compiler);
            final double share = (compiledMs - intervalCompileMs) * 1e6 / (nowNs - intervalStartNs);
            intervalStartNs = nowNs;
            intervalCompileMs = compiledMs;
            return share < SETTLED_COMPILE_SHARE;
        }
    }

    private static void deleteTree(final Path dir) throws IOException
    {
        if (!Files.exists(dir))
        {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>()
        {
            @Override
            public FileVisitResult visitFile(final Path file, final BasicFileAttributes attrs) throws IOException
            {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(final Path directory, final IOException ex) throws IOException
            {
                Files.delete(directory);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
