package dev.referee.ops.interop;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real Referee, started as a separate process from the packaged jar ({@code target/referee.jar}, relative to
 * the ops module, where surefire runs; override with {@code -Dreferee.jar=...}). Writes its YAML config into the
 * work directory, routes user {@code bob} to the callee port over UDP and {@code bobtcp} to the same port over TCP,
 * and is stopped by its PID. It listens on UDP, TCP and admin HTTP on port 0: the system picks free ports and
 * Referee's startup line ("referee: listening on ...") says which, so no port is probed and then bound by another
 * process first. A {@link #restart()} pins the ports learned at the first start (the SIPp parties of a call that
 * goes on across the restart, and the journal's recorded addresses, expect them).
 */
final class RefereeProcess implements AutoCloseable
{
    /** JVM flags the contract requires (Chronicle Queue needs these on Java 17). */
    static final List<String> JVM_FLAGS = List.of(
        "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
        "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
        "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "-Dchronicle.analytics.disable=true",
        "-Dchronicle.announcer.disable=true");

    /**
     * The target of a route that a test configures but never uses (the discard port: nothing listens there in a
     * test, and a call routed to it by mistake fails visibly).
     */
    static final int NO_PARTY = 9;
    static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
    /** Members launched together warm up side by side, three JVMs on the machine's cores: they take longer. */
    static final Duration MEMBER_READY_TIMEOUT = Duration.ofSeconds(60);
    static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(2);

    private static final Pattern LISTENING = Pattern.compile("referee: listening on udp:" +
        Pattern.quote(Ports.LOOPBACK) + ":(\\d+), tcp:" + Pattern.quote(Ports.LOOPBACK) + ":(\\d+)(?:, tls:" +
        Pattern.quote(Ports.LOOPBACK) + ":(\\d+))?; admin http://" + Pattern.quote(Ports.LOOPBACK) + ":(\\d+)");
    private static final Duration STATUS_POLL = Duration.ofMillis(200);

    private final Path workDir;
    private int udpPort; // 0 until the first start reports the bound ports
    private int tcpPort;
    private int tlsPort;
    /** Listens on TLS too (the extra YAML then holds the tls section). */
    private boolean tls;
    private int adminPort;
    private Duration readyTimeout = READY_TIMEOUT;
    private long logOffset;
    private final int calleePort;
    private final List<Route> extraRoutes;
    private final String extraYaml;
    private final boolean journalEnabled;
    /** More lines of the journal section (YAML, indented two spaces), e.g. {@code outputs: digest}. */
    private String journalLines = "";
    private final Path configFile;
    private final Path logFile;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).build();
    private Process process;

    /**
     * A route added after {@code bob} and {@code bobtcp}: a user-part regex to a loopback port over UDP, or, with
     * {@code moreYaml}, to whatever those lines say instead of its {@code target} (e.g. {@code targets} and
     * {@code keepalive}, each line indented by four spaces).
     */
    record Route(String userRegex, int port, String moreYaml)
    {
        Route(final String userRegex, final int port)
        {
            this(userRegex, port, null);
        }
    }

    private RefereeProcess(final Path workDir, final int calleePort, final List<Route> extraRoutes,
        final String extraYaml, final boolean journalEnabled)
    {
        this.workDir = workDir;
        this.calleePort = calleePort;
        this.extraRoutes = List.copyOf(extraRoutes);
        this.extraYaml = extraYaml;
        this.journalEnabled = journalEnabled;
        this.configFile = workDir.resolve("referee.yaml");
        this.logFile = workDir.resolve("referee.log");
    }

    /**
     * Writes the config, starts the jar and waits (bounded) for its listening line, then for {@code GET /health} to
     * answer 200.
     *
     * @param workDir    temp directory for the config, the journal and the log.
     * @param calleePort port where the callee SIPp listens (UDP for route bob, TCP for route bobtcp).
     */
    static RefereeProcess start(final Path workDir, final int calleePort)
    {
        return start(workDir, calleePort, List.of(), "");
    }

    /**
     * As {@link #start(Path, int)}, with more routes after {@code bob}/{@code bobtcp} (e.g. the transfer target
     * {@code carol}) and more top-level YAML appended to the config (e.g. a {@code transfer:} or {@code trunks:}
     * block; empty for none).
     */
    static RefereeProcess start(final Path workDir, final int calleePort, final List<Route> extraRoutes,
        final String extraYaml)
    {
        return start(workDir, calleePort, extraRoutes, extraYaml, true);
    }

    /** As {@link #start(Path, int)}, with {@code journalLines} (YAML, indented two spaces) in the journal section. */
    static RefereeProcess startWithJournal(final Path workDir, final int calleePort, final String journalLines)
    {
        final RefereeProcess referee = new RefereeProcess(workDir, calleePort, List.of(), "", true);
        referee.journalLines = journalLines;
        return started(referee);
    }

    /**
     * As {@link #start(Path, int, List, String)}; {@code journalEnabled} false writes {@code journal.enabled: false}
     * (Referee then runs without a journal: nothing to recover after a restart).
     */
    static RefereeProcess start(final Path workDir, final int calleePort, final List<Route> extraRoutes,
        final String extraYaml, final boolean journalEnabled)
    {
        return started(new RefereeProcess(workDir, calleePort, extraRoutes, extraYaml, journalEnabled));
    }

    /**
     * One member of a cluster (docs/failover.md): its SIP address ({@code sipPort}, UDP and TCP, the same for every
     * member: only the leader binds it) and admin port given, {@code clusterYaml} its {@code cluster} section. Ready
     * once it printed its startup line and answers {@code GET /health}, leader or not.
     */
    static RefereeProcess startClusterMember(final Path workDir, final int calleePort, final int sipPort,
        final int adminPort, final String clusterYaml)
    {
        return launchClusterMember(workDir, calleePort, sipPort, adminPort, clusterYaml).awaitStarted();
    }

    /**
     * As {@link #startClusterMember} without waiting: members launched together warm up and start side by side;
     * {@link #awaitStarted()} each.
     */
    static RefereeProcess launchClusterMember(final Path workDir, final int calleePort, final int sipPort,
        final int adminPort, final String clusterYaml)
    {
        return launchClusterMember(workDir, calleePort, List.of(), sipPort, adminPort, clusterYaml);
    }

    /** As above, with more routes after {@code bob}/{@code bobtcp}. */
    static RefereeProcess launchClusterMember(final Path workDir, final int calleePort, final List<Route> extraRoutes,
        final int sipPort, final int adminPort, final String clusterYaml)
    {
        final RefereeProcess referee = new RefereeProcess(workDir, calleePort, extraRoutes, clusterYaml, true);
        referee.readyTimeout = MEMBER_READY_TIMEOUT;
        referee.udpPort = sipPort;
        referee.tcpPort = sipPort;
        referee.adminPort = adminPort;
        referee.launch();
        return referee;
    }

    /** Launches {@code referee} and waits until it is ready; on failure, stops it and says why with its log. */
    private static RefereeProcess started(final RefereeProcess referee)
    {
        referee.launch();
        return referee.awaitStarted();
    }

    /** Waits until this launched process is ready; on failure, stops it and says why with its log. */
    RefereeProcess awaitStarted()
    {
        try
        {
            awaitReady();
            return this;
        }
        catch (final RuntimeException | Error ex)
        {
            final String tail = logTail(60);
            close();
            throw new AssertionError(ex.getMessage() + "\n--- last lines of " + logFile + " ---\n" + tail, ex);
        }
    }

    /** As {@link #start(Path, int)} with a route from each user of {@code extraRoutes} to its UDP port. */
    static RefereeProcess start(
        final Path workDir, final int calleePort, final java.util.Map<String, Integer> extraRoutes)
    {
        final List<Route> routes = new java.util.ArrayList<>();
        extraRoutes.forEach((user, port) -> routes.add(new Route(user, port)));
        return start(workDir, calleePort, routes, "");
    }

    /**
     * As {@link #start(Path, int, List, String)}, listening on TLS too ({@code tlsPort()}); {@code extraYaml} holds
     * the {@code tls} section.
     */
    static RefereeProcess startWithTls(final Path workDir, final int calleePort, final List<Route> extraRoutes,
        final String extraYaml)
    {
        final RefereeProcess referee = new RefereeProcess(workDir, calleePort, extraRoutes, extraYaml, true);
        referee.tls = true;
        return started(referee);
    }

    /**
     * The {@code cluster} section of member {@code member} of {@code members} on loopback: member {@code id}'s Aeron
     * ports from {@code portBase + 100 * id}, its cluster directory {@code dir/cluster-<member>}, a 500 ms heartbeat
     * timeout (the issue's).
     */
    static String clusterYaml(final int member, final int members, final int portBase, final Path dir)
    {
        final StringBuilder yaml = new StringBuilder("cluster:\n  member: " + member + "\n  members:\n");
        for (int id = 0; id < members; id++)
        {
            yaml.append("    - {id: ").append(id).append(", host: \"127.0.0.1\", port-base: ")
                .append(portBase + 100 * id).append("}\n");
        }
        return yaml.append("  dir: \"").append(dir.resolve("cluster-" + member)).append("\"\n")
            .append("  heartbeat-timeout: 500ms\n").toString();
    }

    /**
     * The {@code media} section anchoring media on the loopback address with RTP ports {@code lowPort}-{@code highPort}
     * and {@code moreKeys} (indented YAML lines, or empty). Give a range no other test uses and below the system's
     * ephemeral ports (32768 on): a port another process holds is not handled yet (docs/media.md, OPEN_FAILED), and
     * any socket bound to port 0 may take one in 32768-60999 (one run of the suite lost a call's link that way).
     */
    static String mediaYaml(final int lowPort, final int highPort, final String moreKeys)
    {
        return "media:\n  enabled: true\n  address: \"" + Ports.LOOPBACK + "\"\n  ports: \"" + lowPort + "-" +
            highPort + "\"\n" + moreKeys;
    }

    /** Kills the process with SIGKILL by its PID (no shutdown hook runs) and waits until it is gone. */
    void kill9()
    {
        try
        {
            final Process kill = new ProcessBuilder("kill", "-9", Long.toString(process.pid())).inheritIO().start();
            kill.waitFor();
            if (!process.waitFor(STOP_GRACE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS))
            {
                throw new AssertionError("Referee (pid " + process.pid() + ") still alive after kill -9");
            }
        }
        catch (final IOException ex)
        {
            throw new AssertionError("cannot run kill -9: " + ex, ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", ex);
        }
    }

    /**
     * Stops the process with SIGSTOP for {@code pause}, then lets it go on with SIGCONT (by its PID). Returns when it
     * was stopped: the wall clock in milliseconds once the signal was sent.
     */
    long pause(final Duration pause)
    {
        signal("-STOP");
        final long stoppedAtMs = System.currentTimeMillis();
        try
        {
            Thread.sleep(pause.toMillis()); // the pause is what is tested: a process frozen this long
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        finally
        {
            signal("-CONT");
        }
        return stoppedAtMs;
    }

    private void signal(final String signal)
    {
        try
        {
            final Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start();
            if (kill.waitFor() != 0)
            {
                throw new AssertionError("kill " + signal + " " + process.pid() + " failed");
            }
        }
        catch (final IOException ex)
        {
            throw new AssertionError("cannot run kill " + signal + ": " + ex, ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", ex);
        }
    }

    /**
     * Starts Referee again on the same ports (pinned in its configuration now), configuration and journal directory;
     * waits for /health.
     */
    void restart()
    {
        if (process != null && process.isAlive())
        {
            throw new IllegalStateException("Referee is still running");
        }
        launch();
        awaitReady();
    }

    /** The configuration file the process was started with (a reload reads it again). */
    Path configFile()
    {
        return configFile;
    }

    /** The journal directory named in the configuration. */
    Path journalDir()
    {
        return workDir.resolve("journal");
    }

    /** Every call record line written so far (cdr.dir is ./data/cdr, under the work directory). */
    List<String> callRecordLines()
    {
        final Path dir = workDir.resolve("data").resolve("cdr");
        if (!Files.isDirectory(dir))
        {
            return List.of();
        }
        try (var files = Files.list(dir))
        {
            return files.sorted().flatMap(file -> SippRun.read(file).lines()).toList();
        }
        catch (final IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    /** The jar under test: -Dreferee.jar, else target/referee.jar in the ops module. */
    static Path jar()
    {
        return Paths.get(System.getProperty("referee.jar", "target/referee.jar")).toAbsolutePath();
    }

    private void launch()
    {
        final Path jar = jar();
        if (!Files.isRegularFile(jar))
        {
            throw new AssertionError("Referee jar not found at " + jar + ": run `mvn package` (the interop execution "
                + "runs in the verify phase, after packaging)");
        }
        try
        {
            Files.writeString(configFile, configYaml(), StandardCharsets.UTF_8);
            logOffset = Files.exists(logFile) ? Files.size(logFile) : 0;
            final List<String> command = new ArrayList<>();
            // SIGHUP as a service manager would leave it: a test run under nohup would otherwise pass its ignored
            // SIGHUP on to Referee, which then cannot reload by SIGHUP (ReloadInteropTest). env execs: same PID.
            command.addAll(List.of("env", "--default-signal=HUP"));
            command.add(javaExecutable());
            command.addAll(JVM_FLAGS);
            command.addAll(List.of("-jar", jar.toString(), "run", "--config", configFile.toString()));
            process = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot start Referee: " + ex, ex);
        }
    }

    String configYaml()
    {
        final String journalDir = workDir.resolve("journal").toString().replace("\\", "/");
        return "listen: [\"udp:" + Ports.LOOPBACK + ":" + udpPort + "\", \"tcp:" + Ports.LOOPBACK + ":" + tcpPort + "\"" +
            (tls ? ", \"tls:" + Ports.LOOPBACK + ":" + tlsPort + "\"" : "") + "]\n"
            + "routes:\n"
            + "  - user: \"bob\"\n"
            + "    target: \"" + Ports.LOOPBACK + ":" + calleePort + "\"\n"
            + "  - user: \"bobtcp\"\n"
            + "    target: \"" + Ports.LOOPBACK + ":" + calleePort + ";transport=tcp\"\n"
            + extraRoutesYaml()
            + "journal:\n"
            + "  dir: \"" + journalDir + "\"\n"
            + (journalEnabled ? "" : "  enabled: false\n")
            + journalLines
            + "admin: \"" + Ports.LOOPBACK + ":" + adminPort + "\"\n"
            + extraYaml;
    }

    private String extraRoutesYaml()
    {
        final StringBuilder yaml = new StringBuilder();
        for (final Route route : extraRoutes)
        {
            // YAML double-quoted scalar: backslashes and quotes escaped.
            final String user = route.userRegex().replace("\\", "\\\\").replace("\"", "\\\"");
            yaml.append("  - user: \"").append(user).append("\"\n");
            if (route.moreYaml() != null)
            {
                yaml.append(route.moreYaml());
                continue;
            }
            yaml.append("    target: \"").append(Ports.LOOPBACK).append(':').append(route.port()).append("\"\n");
        }
        return yaml.toString();
    }

    private static String javaExecutable()
    {
        return ProcessHandle.current().info().command()
            .orElse(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    }

    /**
     * Waits for this launch's listening line in the log (Referee prints it once every listener and the admin server
     * are up, warm-up and recovery done) and takes the ports from it, then checks {@code GET /health}.
     */
    private void awaitReady()
    {
        final AtomicReference<Matcher> listening = new AtomicReference<>();
        Ports.await(() ->
        {
            final Matcher matcher = LISTENING.matcher(logSinceLaunch());
            if (matcher.find())
            {
                listening.set(matcher);
                return true;
            }
            return !process.isAlive();
        }, readyTimeout);
        if (listening.get() == null)
        {
            throw new AssertionError(process.isAlive() ? "Referee printed no listening line within " + readyTimeout :
                "Referee exited with code " + process.exitValue() + " before it listened");
        }
        udpPort = Integer.parseInt(listening.get().group(1));
        tcpPort = Integer.parseInt(listening.get().group(2));
        tlsPort = listening.get().group(3) == null ? 0 : Integer.parseInt(listening.get().group(3));
        adminPort = Integer.parseInt(listening.get().group(4));
        final AtomicReference<String> lastProblem = new AtomicReference<>("no answer yet");
        final boolean healthy = Ports.await(() ->
        {
            try
            {
                final HttpResponse<String> response = get("/health");
                lastProblem.set("HTTP " + response.statusCode());
                return response.statusCode() == 200;
            }
            catch (final IOException ex)
            {
                lastProblem.set(ex.toString());
                return false;
            }
        }, readyTimeout);
        if (!healthy)
        {
            throw new AssertionError("Referee not healthy within " + readyTimeout + " (" + lastProblem.get() + ")");
        }
    }

    /** What this launch appended to the log (a restart appends to the same file). */
    private String logSinceLaunch()
    {
        final String log = SippRun.read(logFile);
        return log.length() > logOffset ? log.substring((int)logOffset) : "";
    }

    private HttpResponse<String> get(final String path) throws IOException
    {
        final HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + Ports.LOOPBACK + ":" + adminPort + path))
            .timeout(HTTP_TIMEOUT).GET().build();
        try
        {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", ex);
        }
    }

    /** For a failure dump: the process, the tail of its log and its /status. */
    String describe()
    {
        String status;
        try
        {
            status = status().raw();
        }
        catch (final AssertionError | RuntimeException ex)
        {
            status = "(unavailable: " + ex.getMessage() + ")"; // stopped already: its log still says what happened
        }
        return "--- Referee (pid " + pid() + ") " + logFile() + ":\n" + logTail(80) + "\n--- status: " + status;
    }

    /** GET /metrics, as text. */
    String metrics()
    {
        try
        {
            return get("/metrics").body();
        }
        catch (final IOException ex)
        {
            throw new AssertionError("GET /metrics failed: " + ex, ex);
        }
    }

    /** GET /status, parsed (flat numeric fields only). */
    RefereeStatus status()
    {
        try
        {
            final HttpResponse<String> response = get("/status");
            if (response.statusCode() != 200)
            {
                throw new AssertionError("GET /status answered HTTP " + response.statusCode() + ": " + response.body());
            }
            return RefereeStatus.parse(response.body());
        }
        catch (final IOException ex)
        {
            throw new AssertionError("GET /status failed: " + ex, ex);
        }
    }

    /**
     * Polls /status every 200 ms until the condition holds; fails with the last status seen after the timeout.
     */
    RefereeStatus awaitStatus(final String what, final Predicate<RefereeStatus> condition, final Duration timeout)
    {
        final AtomicReference<RefereeStatus> last = new AtomicReference<>(status());
        try
        {
            Awaitility.await().pollDelay(Duration.ZERO).pollInterval(STATUS_POLL).atMost(timeout).until(() ->
            {
                last.set(status());
                return condition.test(last.get());
            });
        }
        catch (final ConditionTimeoutException ex)
        {
            throw new AssertionError("Referee did not reach '" + what + "' within " + timeout + "; last /status: "
                + last.get().raw(), ex);
        }
        return last.get();
    }

    /** No call and no dialog left (transactions may still linger for Timer J/K/D). */
    RefereeStatus awaitCallsEnded(final Duration timeout)
    {
        return awaitStatus("activeCalls == 0 and dialogs == 0",
            s -> s.activeCalls() == 0 && s.dialogs() == 0, timeout);
    }

    /** No call, dialog or transaction left. */
    RefereeStatus awaitIdle(final Duration timeout)
    {
        return awaitStatus("activeCalls == 0, dialogs == 0, transactions == 0",
            s -> s.activeCalls() == 0 && s.dialogs() == 0 && s.transactions() == 0, timeout);
    }

    /** Nothing at all left: no transaction waiting for retransmissions and no timer either. */
    RefereeStatus awaitEmpty(final Duration timeout)
    {
        return awaitStatus("activeCalls, dialogs, transactions, transactionsWaiting and timers all 0",
            s -> s.activeCalls() == 0 && s.dialogs() == 0 && s.transactions() == 0 && s.transactionsWaiting() == 0 &&
                s.timers() == 0, timeout);
    }

    /** Referee's UDP SIP port (the one the system chose at the first start). */
    int sipPort()
    {
        return udpPort;
    }

    /** Referee's TCP SIP port (not the UDP one: each was bound on port 0 on its own). */
    /** The TLS port; 0 unless started with {@link #startWithTls}. */
    int tlsPort()
    {
        return tlsPort;
    }

    int tcpPort()
    {
        return tcpPort;
    }

    int adminPort()
    {
        return adminPort;
    }

    Path logFile()
    {
        return logFile;
    }

    long pid()
    {
        return process == null ? -1 : process.pid();
    }

    String logTail(final int lines)
    {
        return ProcessLogs.tail(logFile, lines);
    }

    /** Stops Referee by its PID: destroy, bounded wait, destroyForcibly. */
    @Override
    public void close()
    {
        ProcessLogs.stop(process, STOP_GRACE);
    }
}
