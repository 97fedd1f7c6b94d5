package dev.referee.ops.interop;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One linphone phone (Debian {@code linphone-cli}, linphonec 5.1): the test starts {@code linphonec --pipe} itself
 * (so it has its PID and its output) with an rc file and {@code HOME} of its own, and talks to it with
 * {@code linphonecsh generic "COMMAND"}, one short process per command, bounded in time.
 * <ul>
 *   <li>linphonecsh finds linphonec through the Unix socket {@code /tmp/linphonec-UID}: one linphonec per user
 *       at a time, so the driver refuses to start when another one answers there (the interop tests run under
 *       {@code flock /tmp/referee-interop.lock}, so no two suites do);</li>
 *   <li>rc: SIP over UDP on a random port ({@code sip_port=-1}, read back with {@code ports}), TCP and TLS off,
 *       everything bound to 127.0.0.1, no hostname guessing (it would put the machine's IPv6 address in From);
 *       no registration, calls dialled to Referee's address as with {@link Baresip};</li>
 *   <li>audio from files ({@code soundcard use files}, {@code play TONE.wav}): no sound device.</li>
 * </ul>
 * The phone's state is its {@code calls} table (id, peer, state: IncomingReceived, OutgoingRinging, StreamsRunning,
 * Paused, ...), polled. Its log ({@code -d 5}, the SIP messages included) and output stay in its directory.
 * <p>
 * TLS ({@link #start(String, Tone, Path, Path)} with a root CA; {@code RealPhonesTlsInteropTest}):
 * {@code sip_tls_port=-1}, {@code root_ca=CA.pem}, {@code verify_server_certs=1} and {@code verify_server_cn=1} in
 * {@code [sip]}, and a dial URI with {@code ;transport=tls}. linphone verifies the certificate, and its name only
 * against CN and DNS-type subjectAltNames: Referee's test certificate names {@code DNS:127.0.0.1} besides
 * {@code IP:127.0.0.1} for it. linphone has no certificate of its own here: it calls over TLS, and a request to its
 * own TLS port would find none.
 */
final class Linphone implements AutoCloseable
{
    static final String DEBIAN_PACKAGE = "linphone-cli";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Pattern SIP_PORT = Pattern.compile("sip port = (\\d+)");
    /** A row of {@code calls}: {@code 2  | sip:alice@127.0.0.1   | StreamsRunning  |}. */
    private static final Pattern CALL_ROW = Pattern.compile("(?m)^(\\d+)\\s*\\|\\s*(\\S+)\\s*\\|\\s*(\\S+)\\s*\\|");

    /** One row of linphonec's {@code calls}: its id (for pause, transfer, terminate), the peer and the state. */
    record Call(int id, String peer, String state)
    {
    }

    private final String user;
    private final Tone tone;
    private final Path dir;
    private final Process process;
    private final Path out;
    private final Path log;
    private int sipPort;

    private Linphone(final String user, final Tone tone, final Path dir, final Process process)
    {
        this.user = user;
        this.tone = tone;
        this.dir = dir;
        this.process = process;
        this.out = dir.resolve("linphonec.out");
        this.log = dir.resolve("linphone.log");
    }

    /** Starts linphonec for {@code user}, sending {@code tone}; returns once it answers through linphonecsh. */
    static Linphone start(final String user, final Tone tone, final Path dir)
    {
        return start(user, tone, dir, null);
    }

    /**
     * As {@link #start(String, Tone, Path)}, with TLS too when {@code rootCa} is set: linphone then trusts only
     * the certificates that file's CA signed, and checks the server's name (a call to {@code ...;transport=tls}).
     */
    static Linphone start(final String user, final Tone tone, final Path dir, final Path rootCa)
    {
        final Path pipe = Path.of("/tmp", "linphonec-" + uid());
        if (Files.exists(pipe) && command(List.of("generic", "ports"), Duration.ofSeconds(5)).exitCode == 0)
        {
            throw new AssertionError("another linphonec answers on " + pipe + ": linphonecsh reaches one linphonec " +
                "per user; stop that one (by its PID) first");
        }
        final Process process;
        try
        {
            Files.createDirectories(dir.resolve(".local/share/linphone")); // its call history database
            final Path rc = dir.resolve("linphonerc");
            Files.writeString(rc, rc(user, rootCa), StandardCharsets.US_ASCII);
            tone.writeWav(dir.resolve("microphone.wav"), Duration.ofMinutes(2));
            final ProcessBuilder builder = new ProcessBuilder("linphonec", "--pipe", "-c", rc.toString(), "-d", "5",
                "-l", dir.resolve("linphone.log").toString()).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("linphonec.out").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            builder.environment().put("HOME", dir.toString());
            process = builder.start();
        }
        catch (final IOException ex)
        {
            throw new AssertionError("cannot start linphonec (Debian package " + DEBIAN_PACKAGE +
                "; scripts/install-test-tools.sh): " + ex, ex);
        }
        final Linphone phone = new Linphone(user, tone, dir, process);
        try
        {
            phone.awaitPipe();
            phone.generic("soundcard use files");
            phone.generic("play " + dir.resolve("microphone.wav"));
            return phone;
        }
        catch (final RuntimeException | Error ex)
        {
            phone.close();
            throw new AssertionError("linphonec " + user + " did not start: " + ex.getMessage() + "\n" +
                phone.describe(), ex);
        }
    }

    static String rc(final String user, final Path rootCa)
    {
        return "[sip]\n"
            + "sip_port=-1\n"
            + "sip_tcp_port=0\n"
            + (rootCa == null ? "sip_tls_port=0\n" : "sip_tls_port=-1\nroot_ca=" + rootCa + "\n"
                + "verify_server_certs=1\nverify_server_cn=1\n")
            + "bind_address=" + Ports.LOOPBACK + "\n"
            + "use_ipv6=0\n"
            + "guess_hostname=0\n"
            + "contact=\"" + user + "\" <sip:" + user + "@" + Ports.LOOPBACK + ">\n"
            + "inc_timeout=120\n"
            + "[rtp]\n"
            + "audio_rtp_port=-1\n"
            + "bind_address=" + Ports.LOOPBACK + "\n"
            + "[sound]\n"
            + "echocancellation=0\n"
            + "[video]\n"
            + "capture=0\n"
            + "display=0\n";
    }

    private void awaitPipe()
    {
        final boolean up = Ports.await(() ->
        {
            if (!process.isAlive())
            {
                return true;
            }
            final Matcher port = SIP_PORT.matcher(command(List.of("generic", "ports"), COMMAND_TIMEOUT).output);
            if (port.find())
            {
                sipPort = Integer.parseInt(port.group(1));
            }
            return sipPort > 0;
        }, START_TIMEOUT);
        if (!process.isAlive())
        {
            throw new AssertionError("linphonec exited with code " + process.exitValue());
        }
        if (!up)
        {
            throw new AssertionError("linphonec did not answer 'ports' through linphonecsh within " + START_TIMEOUT);
        }
    }

    String user()
    {
        return user;
    }

    Tone tone()
    {
        return tone;
    }

    int sipPort()
    {
        return sipPort;
    }

    /** host:port of SIP over UDP, as the capture shows it. */
    String address()
    {
        return Ports.LOOPBACK + ":" + sipPort;
    }

    long pid()
    {
        return process.pid();
    }

    /** Places a call; linphonec wants any current call paused first. */
    void call(final String uri)
    {
        generic("call " + uri);
    }

    /** Answers the incoming call. */
    void answer()
    {
        generic("answer");
    }

    /** Puts a call on hold (re-INVITE with a=sendonly). */
    void pause(final int callId)
    {
        generic("pause " + callId);
    }

    /** Blind transfer: REFER with Refer-To {@code uri} in that call. */
    void transfer(final int callId, final String uri)
    {
        generic("transfer " + callId + " " + uri);
    }

    /** Attended transfer: REFER in {@code callId} with Refer-To the peer of {@code toCallId} and its Replaces. */
    void transferToCall(final int callId, final int toCallId)
    {
        generic("transfer " + callId + " --to-call " + toCallId);
    }

    /** The calls linphonec holds now. */
    List<Call> calls()
    {
        final String table = generic("calls");
        final List<Call> calls = new ArrayList<>();
        final Matcher row = CALL_ROW.matcher(table);
        while (row.find())
        {
            calls.add(new Call(Integer.parseInt(row.group(1)), row.group(2), row.group(3)));
        }
        if (calls.isEmpty() && !table.contains("No active call"))
        {
            throw new AssertionError("linphonec " + user + ": unexpected answer to 'calls': " + table);
        }
        return calls;
    }

    /** Polls {@code calls} until the condition holds; fails with the last table after the timeout. */
    List<Call> awaitCalls(final String what, final Predicate<List<Call>> condition, final Duration timeout)
    {
        final List<List<Call>> last = new ArrayList<>(List.of(List.of()));
        try
        {
            // Every poll is a linphonecsh process: 200 ms apart, not Ports.await's 50, on a shared 2-core machine.
            Awaitility.await().pollDelay(Duration.ZERO).pollInterval(POLL).atMost(timeout).until(() ->
            {
                last.set(0, calls());
                return condition.test(last.get(0));
            });
        }
        catch (final ConditionTimeoutException ex)
        {
            throw new AssertionError("linphonec " + user + ": not " + what + " within " + timeout + "; calls: " +
                last.get(0));
        }
        return last.get(0);
    }

    /** The one call in this state (waits for it). */
    Call awaitCallInState(final String state, final Duration timeout)
    {
        final Predicate<Call> inState = call -> call.state().equals(state);
        return awaitCalls("one call " + state, calls -> calls.stream().filter(inState).count() == 1, timeout).stream()
            .filter(inState).findFirst().orElseThrow();
    }

    /** Terminates every call left (a failed test's) and waits until linphonec holds none. */
    void hangUpAll(final Duration timeout)
    {
        if (!calls().isEmpty())
        {
            generic("terminate all");
        }
        awaitCalls("without calls", List::isEmpty, timeout);
    }

    /**
     * What linphonec printed so far: a line per call event ({@code Call 1 to sip:... in progress.},
     * {@code Call 1 with sip:... error.}, {@code ... ended (...)}), the answers to the commands too.
     */
    String output()
    {
        return SippRun.read(out);
    }

    /** For a failure dump: the end of linphonec's output and log (SIP messages included). */
    String describe()
    {
        return "--- linphonec " + user + " (pid " + process.pid() + ", sip udp " + sipPort + ") " + out + ":\n" +
            ProcessLogs.tail(out, 30) + "\n--- " + log + ":\n" + ProcessLogs.tail(log, 150);
    }

    /** Sends a linphonec command through linphonecsh; returns what linphonec answered. */
    private String generic(final String command)
    {
        final Result result = command(List.of("generic", command), COMMAND_TIMEOUT);
        if (result.exitCode != 0)
        {
            throw new AssertionError("linphonecsh generic '" + command + "' failed (" + result.exitCode + "): " +
                result.output);
        }
        return result.output;
    }

    private record Result(int exitCode, String output)
    {
    }

    private static Result command(final List<String> args, final Duration timeout)
    {
        final List<String> command = new ArrayList<>();
        command.add("linphonecsh");
        command.addAll(args);
        Path output = null;
        try
        {
            // Into a file, not a pipe: a linphonecsh that hangs must not block the test past the timeout.
            output = Files.createTempFile("linphonecsh-", ".out");
            final Process shell = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
            if (!shell.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
            {
                ProcessLogs.stop(shell, Duration.ofSeconds(1));
                return new Result(-1, "(no answer within " + timeout + ")");
            }
            return new Result(shell.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        }
        catch (final IOException ex)
        {
            throw new AssertionError("cannot run linphonecsh (Debian package " + DEBIAN_PACKAGE + "): " + ex, ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", ex);
        }
        finally
        {
            deleteQuietly(output);
        }
    }

    private static void deleteQuietly(final Path file)
    {
        try
        {
            if (file != null)
            {
                Files.deleteIfExists(file);
            }
        }
        catch (final IOException ex)
        {
            // a temporary file left behind costs nothing
        }
    }

    private static int uid()
    {
        try
        {
            return (Integer)Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        }
        catch (final IOException ex)
        {
            throw new AssertionError("cannot read this process's uid: " + ex, ex);
        }
    }

    /** Asks linphonec to quit (it ends its calls with BYE), then stops it by its PID if it has not. */
    @Override
    public void close()
    {
        if (process.isAlive())
        {
            command(List.of("generic", "quit"), Duration.ofSeconds(3));
        }
        ProcessLogs.stop(process, STOP_GRACE);
    }
}
