package dev.referee.ops.interop;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds and starts one SIPp process on a scenario of {@code src/test/resources/sipp/}. Callers ({@link #uac})
 * send to a remote address; callees ({@link #uas}) listen on their port, and {@link #start()} waits until SIPp
 * reports that port. Every run writes its statistics, errors, messages and screen into the work directory.
 * <p>
 * Ports: SIPp is given {@code -p 0} unless {@link #port(int)} says otherwise. SIPp 3.6 does not ask the system for
 * an ephemeral port then: it binds 5060, or the next port up that is free, itself (no probe-then-bind race: a port
 * taken by anyone else is skipped at the bind); {@link SippRun#localPort()} reads which from the process's sockets
 * ({@link BoundSockets} says why not from SIPp's screen). So a callee is started before the Referee that routes to
 * it.
 *
 * <pre>
 * SippRun callee = Sipp.uas("uas-answer-then-wait-bye.xml", dir).calls(10).start();
 * // Referee started here with a route to callee.localPort()
 * SippRun caller = Sipp.uac("uac-basic-call.xml", dir).remote(refereePort).service("bob").calls(10).rate(10).start();
 * caller.awaitResult(Duration.ofSeconds(30)).assertAllSucceeded(10);
 * </pre>
 */
final class Sipp
{
    /** The Debian package that provides the sipp binary. */
    static final String DEBIAN_PACKAGE = "sip-tester";
    static final Duration BIND_TIMEOUT = Duration.ofSeconds(10);
    /** Numbers the runs of this JVM: their files are named by it (the port is not known before SIPp starts). */
    private static final AtomicInteger RUNS = new AtomicInteger();
    /**
     * {@code [mport]}, the port a scenario's SDP names, when the test does not take the media itself ({@link #key}
     * mport N gives a socket of the test): SIPp's own default media port; nothing listens there.
     */
    private static final String DEFAULT_MEDIA_PORT = "6000";

    private final String scenario;
    private final boolean callee;
    private final Path workDir;
    private final int run = RUNS.incrementAndGet();
    private SippTransport transport = SippTransport.UDP;
    private int localPort;
    private String localIp = Ports.LOOPBACK;
    private int remotePort;
    private String service = "bob";
    private int calls = 1;
    private double ratePerSecond = 10;
    private int limit = -1;
    private long holdMs;
    private Duration globalTimeout = Duration.ofSeconds(60);
    private Duration recvTimeout = Duration.ofSeconds(20);
    private boolean traceMessages;
    private final List<String> extraArgs = new ArrayList<>();
    private final Map<String, String> keys = new LinkedHashMap<>(Map.of("mport", DEFAULT_MEDIA_PORT));

    private Sipp(final String scenario, final boolean callee, final Path workDir)
    {
        this.scenario = scenario;
        this.callee = callee;
        this.workDir = workDir;
    }

    /** A caller running the scenario (a file name under src/test/resources/sipp). */
    static Sipp uac(final String scenario, final Path workDir)
    {
        return new Sipp(scenario, false, workDir);
    }

    /** A callee running the scenario; it exits after {@link #calls(int)} calls. */
    static Sipp uas(final String scenario, final Path workDir)
    {
        return new Sipp(scenario, true, workDir);
    }

    Sipp transport(final SippTransport transport)
    {
        this.transport = transport;
        return this;
    }

    /** Local SIP port (-p); 0 by default: SIPp binds the first free one from 5060 up (see above). */
    Sipp port(final int port)
    {
        this.localPort = port;
        return this;
    }

    /** Local address SIPp binds (-i): another loopback address (127.0.0.2, ...) is another host to Referee. */
    Sipp localIp(final String address)
    {
        this.localIp = address;
        return this;
    }

    /** Where a caller sends (127.0.0.1:port). */
    Sipp remote(final int port)
    {
        this.remotePort = port;
        return this;
    }

    /** Request-URI user of a caller's INVITE (-s). */
    Sipp service(final String user)
    {
        this.service = user;
        return this;
    }

    /** Number of calls before exiting (-m). */
    Sipp calls(final int calls)
    {
        this.calls = calls;
        return this;
    }

    /** New calls per second (-r). */
    Sipp rate(final double callsPerSecond)
    {
        this.ratePerSecond = callsPerSecond;
        return this;
    }

    /** At most this many calls at once (-l). */
    Sipp limit(final int concurrentCalls)
    {
        this.limit = concurrentCalls;
        return this;
    }

    /** Duration of the scenario's plain {@code <pause/>} (-d, ms): the call hold time. */
    Sipp holdMs(final long ms)
    {
        this.holdMs = ms;
        return this;
    }

    /** Global bound: SIPp quits (as an error) after this (-timeout, -timeout_error); the JVM side waits a bit more. */
    Sipp globalTimeout(final Duration timeout)
    {
        this.globalTimeout = timeout;
        return this;
    }

    /** Default receive timeout of every recv without its own (-recv_timeout). */
    Sipp recvTimeout(final Duration timeout)
    {
        this.recvTimeout = timeout;
        return this;
    }

    /** A generic keyword of the scenario, {@code [name]} in its messages (-key name value). */
    Sipp key(final String name, final String value)
    {
        keys.put(name, value);
        return this;
    }

    /** Every message sent and received goes to {@link #messageFile()} (-trace_msg). */
    Sipp traceMessages()
    {
        this.traceMessages = true;
        return this;
    }

    /** Where {@link #traceMessages()} writes. */
    Path messageFile()
    {
        return workDir.resolve(name() + "-messages.log");
    }

    Sipp arg(final String... args)
    {
        extraArgs.addAll(List.of(args));
        return this;
    }

    String name()
    {
        return (callee ? "uas-" : "uac-") + scenario.replace(".xml", "") + "-" + run;
    }

    List<String> command()
    {
        final String name = name();
        final List<String> cmd = new ArrayList<>();
        cmd.add(binary().toString());
        if (!callee)
        {
            if (remotePort <= 0)
            {
                throw new IllegalStateException("a caller needs remote(port)");
            }
            cmd.add(Ports.LOOPBACK + ":" + remotePort);
            cmd.addAll(List.of("-s", service, "-r", format(ratePerSecond), "-d", Long.toString(holdMs)));
        }
        cmd.addAll(List.of(
            "-sf", scenarioPath(scenario).toString(),
            "-i", localIp,
            "-p", Integer.toString(localPort),
            "-t", transport.sippMode(),
            // SIPp's 64 KiB socket buffers overflow while it is off the CPU on a loaded 2-core machine: it then lost
            // an ACK and aborted its call on the BYE behind it (seen in JournalReplayInteropTest with Referee's
            // journal showing both sent). Referee's own sockets ask for 4 MiB for the same reason.
            "-buff_size", Integer.toString(4 << 20),
            "-m", Integer.toString(calls),
            "-nostdin",
            "-timeout", globalTimeout.toSeconds() + "s",
            "-timeout_error",
            "-recv_timeout", Long.toString(recvTimeout.toMillis()),
            "-trace_stat", "-stf", workDir.resolve(name + "-stat.csv").toString(), "-fd", "1",
            "-trace_err", "-error_file", workDir.resolve(name + "-errors.log").toString(),
            "-trace_screen", "-screen_file", workDir.resolve(name + "-screen.log").toString()));
        if (limit > 0)
        {
            cmd.addAll(List.of("-l", Integer.toString(limit)));
        }
        if (traceMessages)
        {
            cmd.addAll(List.of("-trace_msg", "-message_file", messageFile().toString()));
        }
        keys.forEach((key, value) -> cmd.addAll(List.of("-key", key, value)));
        cmd.addAll(extraArgs);
        return cmd;
    }

    /**
     * Starts SIPp with stdout/stderr in {@code <name>-out.log}. A callee is returned only once SIPp has reported the
     * port it bound ({@link SippRun#localPort()}).
     */
    SippRun start()
    {
        final List<String> cmd = command();
        final Path out = workDir.resolve(name() + "-out.log");
        final Process process;
        try
        {
            Files.createDirectories(workDir);
            process = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        }
        catch (final IOException ex)
        {
            throw new AssertionError("cannot start " + String.join(" ", cmd) + ": " + ex, ex);
        }
        final SippRun run = new SippRun(name(), cmd, process, workDir, out,
            globalTimeout.plusSeconds(15), transport);
        if (callee && !Ports.await(() -> run.localPort() > 0 || !process.isAlive(), BIND_TIMEOUT))
        {
            run.close();
            throw new AssertionError("SIPp callee reported no " + transport + " port within " + BIND_TIMEOUT + "\n" +
                run.describe());
        }
        if (!process.isAlive())
        {
            throw new AssertionError("SIPp exited at once (code " + process.exitValue() + ")\n" + run.describe());
        }
        return run;
    }

    /** The sipp binary on PATH; a missing one fails the test, naming the Debian package. */
    static Path binary()
    {
        final String path = System.getenv().getOrDefault("PATH", "");
        for (final String dir : path.split(File.pathSeparator))
        {
            final Path candidate = Paths.get(dir.isEmpty() ? "." : dir, "sipp");
            if (Files.isExecutable(candidate))
            {
                return candidate;
            }
        }
        throw new AssertionError("sipp not found on PATH (" + path + "): install Debian's '" + DEBIAN_PACKAGE
            + "' package (apt-get install -y " + DEBIAN_PACKAGE + "); the interop tests need SIPp 3.6");
    }

    /** A scenario file from the test classpath (target/test-classes/sipp/...). */
    static Path scenarioPath(final String scenario)
    {
        final URL url = Sipp.class.getClassLoader().getResource("sipp/" + scenario);
        if (url == null)
        {
            throw new AssertionError("no SIPp scenario sipp/" + scenario + " on the test classpath");
        }
        try
        {
            return Paths.get(url.toURI());
        }
        catch (final URISyntaxException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static String format(final double value)
    {
        return value == Math.rint(value) ? Long.toString((long)value) : Double.toString(value);
    }
}
