package dev.referee.ops.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One baresip phone (Debian {@code baresip-core}, 1.0.0) in its own process and config directory, driven over its
 * {@code ctrl_tcp} module ({@link CtrlTcp}). The test writes {@code config} and {@code accounts}:
 * <ul>
 *   <li>SIP on {@code 127.0.0.1:0}: baresip binds UDP, TCP and TLS (its TLS listener is always the SIP port + 1,
 *       so a fixed port would take two) on ports the system picks, read from {@code /proc} ({@link BoundSockets});
 *       ctrl_tcp on a system-picked loopback port too, the last socket baresip opens;</li>
 *   <li>one account, {@code <sip:USER@127.0.0.1>;regint=0}: no registration, calls are dialled to Referee's address
 *       directly ({@code sip:bob@127.0.0.1:PORT}), the way a phone with the SBC as its domain dials;
 *       {@code answermode=manual}, so the test answers; PCMU only, so every phone agrees on one 8 kHz codec;</li>
 *   <li>no sound device: the {@code aufile} module reads the phone's {@link Tone} as microphone; no player is
 *       loaded (baresip warns and goes on), and the {@code sndfile} module writes what the phone decoded into
 *       {@code recordings/} ({@code dump-DATE-dec.wav} per call, closed when the call ends), which
 *       {@link HeardAudio} measures.</li>
 * </ul>
 * baresip prints its SIP trace ({@code -s}) into {@code baresip.log}. Stopped by its PID.
 * <p>
 * TLS ({@code RealPhonesTlsInteropTest}): {@link Options} with transport {@code tls} makes the account
 * {@code <sip:USER@127.0.0.1;transport=tls>}, its {@code caFile} becomes {@code sip_cafile} and its
 * {@code certificate} (certificate and key in one PEM) {@code sip_certificate}, which baresip presents on
 * {@link #tlsPort()}, where it accepts TLS (Referee calls it there, and verifies that certificate); dial
 * {@code sip:bob@127.0.0.1:TLSPORT} without {@code ;transport=tls} (baresip adds the account's, twice otherwise).
 * baresip 1.0 does not verify the server's certificate, CA file or not: a test of a refused certificate needs
 * another client (docs/transfers.md, "Real phones").
 */
final class Baresip implements AutoCloseable
{
    static final String DEBIAN_PACKAGE = "baresip-core";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final Pattern ACTIVE_CALLS = Pattern.compile("Active calls \\((\\d+)\\)");
    private static final String MODULES = "/usr/lib/baresip/modules";

    /**
     * How the account reaches Referee: {@code transport} goes into the account's URI ({@code udp}, {@code tcp},
     * {@code tls}); {@code caFile}, when set, becomes {@code sip_cafile} (loaded as CA, though baresip 1.0 does not
     * refuse a server whose certificate it did not sign); {@code certificate}, when set, {@code sip_certificate}: a
     * PEM file with the certificate and its key, which baresip presents to whoever connects to its TLS port (and as
     * client, when a server asks for one).
     */
    record Options(String transport, Path caFile, Path certificate)
    {
        static final Options UDP = new Options("udp", null, null);
    }

    private final String user;
    private final Tone tone;
    private final Path dir;
    private final Process process;
    private final Path log;
    private final Map<String, Integer> consumedByType = new ConcurrentHashMap<>();
    private int udpPort;
    private int tlsPort;
    private CtrlTcp ctrl;

    private Baresip(final String user, final Tone tone, final Path dir, final Process process, final Path log)
    {
        this.user = user;
        this.tone = tone;
        this.dir = dir;
        this.process = process;
        this.log = log;
    }

    /** Starts a phone for {@code user} over UDP, sending {@code tone}; returns once ctrl_tcp answers. */
    static Baresip start(final String user, final Tone tone, final Path dir)
    {
        return start(user, tone, dir, Options.UDP);
    }

    static Baresip start(final String user, final Tone tone, final Path dir, final Options options)
    {
        final Path log = dir.resolve("baresip.log");
        final Process process;
        try
        {
            Files.createDirectories(dir.resolve("recordings"));
            final Path source = dir.resolve("microphone.wav");
            tone.writeWav(source, Duration.ofMinutes(2));
            Files.writeString(dir.resolve("config"), config(dir, source, options), StandardCharsets.US_ASCII);
            Files.writeString(dir.resolve("accounts"), account(user, options), StandardCharsets.US_ASCII);
            // -4: IPv4 only; -s: SIP trace in the log; -f: this directory instead of ~/.baresip.
            process = new ProcessBuilder("baresip", "-4", "-s", "-f", dir.toString()).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        }
        catch (final IOException ex)
        {
            throw new AssertionError("cannot start baresip (Debian package " + DEBIAN_PACKAGE +
                "; scripts/install-test-tools.sh): " + ex, ex);
        }
        final Baresip phone = new Baresip(user, tone, dir, process, log);
        try
        {
            phone.connect();
            return phone;
        }
        catch (final RuntimeException | Error ex)
        {
            phone.close();
            throw new AssertionError("baresip " + user + " did not start: " + ex.getMessage() + "\n" + phone.logTail(),
                ex);
        }
    }

    static String config(final Path dir, final Path source, final Options options)
    {
        return "poll_method epoll\n"
            + "sip_listen " + Ports.LOOPBACK + ":0\n"
            + (options.caFile() == null ? "" : "sip_cafile " + options.caFile() + "\n")
            + (options.certificate() == null ? "" : "sip_certificate " + options.certificate() + "\n")
            + "net_interface " + Ports.LOOPBACK + "\n"
            // Longer than any test waits for an answer: a test, not baresip, decides when a call failed.
            + "call_local_timeout 120\n"
            + "call_max_calls 4\n"
            + "audio_source aufile," + source + "\n"
            + "module_path " + MODULES + "\n"
            + "module g711.so\n"
            + "module aufile.so\n"
            + "module sndfile.so\n"
            + "snd_path " + dir.resolve("recordings") + "\n"
            + "module_tmp account.so\n"
            + "module_app menu.so\n"
            + "module_app ctrl_tcp.so\n"
            // menu prints a status line every few ms during calls: it would drown the SIP trace in the log.
            + "statmode_default off\n"
            + "ctrl_tcp_listen " + Ports.LOOPBACK + ":0\n";
    }

    static String account(final String user, final Options options)
    {
        final String transport = "udp".equals(options.transport()) ? "" : ";transport=" + options.transport();
        return "<sip:" + user + "@" + Ports.LOOPBACK + transport + ">;regint=0;pubint=0;mwi=no;answermode=manual;"
            + "audio_codecs=pcmu\n";
    }

    /**
     * Waits for baresip's ready line and its sockets: SIP UDP is its only UDP socket on loopback; of its listening TCP
     * ones, SIP TCP, SIP TLS and ctrl_tcp come in that order (opened in that order by the UA, then the app modules).
     */
    private void connect()
    {
        final boolean up = Ports.await(() -> !process.isAlive() || SippRun.read(log).contains("baresip is ready.") &&
            BoundSockets.loopbackPorts(process.pid(), true).size() >= 3 &&
            !BoundSockets.loopbackPorts(process.pid(), false).isEmpty(), START_TIMEOUT);
        if (!process.isAlive())
        {
            throw new AssertionError("baresip exited with code " + process.exitValue());
        }
        if (!up)
        {
            throw new AssertionError("no ready line and SIP and ctrl_tcp sockets within " + START_TIMEOUT);
        }
        final List<Integer> tcp = BoundSockets.loopbackPorts(process.pid(), true);
        udpPort = BoundSockets.loopbackPorts(process.pid(), false).get(0);
        tlsPort = tcp.get(1);
        try
        {
            ctrl = CtrlTcp.connect(tcp.get(tcp.size() - 1), user, COMMAND_TIMEOUT);
        }
        catch (final IOException ex)
        {
            throw new AssertionError("cannot connect to ctrl_tcp on port " + tcp.get(tcp.size() - 1) + ": " + ex, ex);
        }
        activeCalls(); // the first answer proves it is ctrl_tcp
    }

    String user()
    {
        return user;
    }

    Tone tone()
    {
        return tone;
    }

    /** The UDP port baresip takes SIP on (Referee's route to this phone). */
    int sipPort()
    {
        return udpPort;
    }

    /** The TCP port baresip takes SIP over TLS on. */
    int tlsPort()
    {
        return tlsPort;
    }

    /** host:port of SIP over UDP, as the capture shows it. */
    String address()
    {
        return Ports.LOOPBACK + ":" + udpPort;
    }

    /**
     * host:port where baresip accepts TLS, as the capture shows a connection Referee opened to it (a connection the
     * phone opens comes from a port of the system's choosing instead).
     */
    String tlsAddress()
    {
        return Ports.LOOPBACK + ":" + tlsPort;
    }

    long pid()
    {
        return process.pid();
    }

    void dial(final String uri)
    {
        expectOk("dial", uri);
    }

    /** Answers the incoming call (200 with the phone's answer, or its offer to an INVITE without one). */
    void accept()
    {
        expectOk("accept", null);
    }

    /** Hangs up the current call: BYE when answered, CANCEL when dialling, 486 to a call still ringing here. */
    void hangup()
    {
        expectOk("hangup", null);
    }

    /** Blind transfer of the current call (baresip sends REFER with Refer-To {@code uri}). */
    void transfer(final String uri)
    {
        expectOk("transfer", uri);
    }

    /** The calls baresip holds, as its {@code listcalls} counts them. */
    int activeCalls()
    {
        final CtrlTcp.Answer answer = ctrl.command("listcalls", null, COMMAND_TIMEOUT);
        final Matcher matcher = ACTIVE_CALLS.matcher(answer.data());
        if (!matcher.find())
        {
            throw new AssertionError("baresip " + user + ": unexpected listcalls answer: " + answer.data());
        }
        return Integer.parseInt(matcher.group(1));
    }

    /**
     * The next event of this type not returned before (CALL_INCOMING, CALL_RINGING, CALL_ESTABLISHED, CALL_CLOSED,
     * TRANSFER_FAILED, ...), waiting for it at most {@code timeout}. Each type is consumed in order on its own, so a
     * test awaits the events it cares about whatever else came in between.
     */
    CtrlTcp.Event awaitEvent(final String type, final Duration timeout)
    {
        return awaitEvent(type, null, timeout);
    }

    /**
     * As {@link #awaitEvent(String, Duration)} for the events of this type with this {@code param} (e.g.
     * CALL_REMOTE_SDP with "offer": a re-INVITE with an offer reached the phone), consumed apart from the others.
     */
    CtrlTcp.Event awaitEvent(final String type, final String param, final Duration timeout)
    {
        final String key = param == null ? type : type + "|" + param;
        final int consumed = consumedByType.getOrDefault(key, 0);
        if (!Ports.await(() -> ofType(type, param).size() > consumed || !process.isAlive(), timeout) ||
            ofType(type, param).size() <= consumed)
        {
            throw new AssertionError("baresip " + user + " sent no " + (consumed == 0 ? "" : "further ") + key +
                " event within " + timeout + (process.isAlive() ? "" : " (exited)") + "; its events:\n" +
                ctrl.describeEvents());
        }
        consumedByType.put(key, consumed + 1);
        return ofType(type, param).get(consumed);
    }

    /** Events of a type that came after the last {@link #forgetEvents()} and were not awaited. */
    List<CtrlTcp.Event> unconsumed(final String type)
    {
        final List<CtrlTcp.Event> all = ofType(type, null);
        return all.subList(Math.min(all.size(), consumedByType.getOrDefault(type, 0)), all.size());
    }

    /** Marks every event so far as seen: the next test awaits only what comes after. */
    void forgetEvents()
    {
        consumedByType.clear();
        for (final CtrlTcp.Event event : ctrl.events())
        {
            consumedByType.merge(event.type(), 1, Integer::sum);
            consumedByType.merge(event.type() + "|" + event.param(), 1, Integer::sum);
        }
    }

    /** Hangs up whatever call is left (a failed test's) and waits until baresip holds none. */
    void hangUpAll(final Duration timeout)
    {
        if (!Ports.await(() ->
        {
            if (activeCalls() == 0)
            {
                return true;
            }
            ctrl.command("hangup", null, COMMAND_TIMEOUT);
            return false;
        }, timeout))
        {
            throw new AssertionError("baresip " + user + " still holds calls after " + timeout);
        }
    }

    /** What this phone decoded since {@link #deleteRecordings()}, measured against the tones of the test. */
    HeardAudio heard(final List<Tone> tones)
    {
        return HeardAudio.of(recordings(), tones);
    }

    /** Removes the recordings of earlier calls (only while no call is up: baresip writes them until the end). */
    void deleteRecordings()
    {
        for (final Path recording : recordings())
        {
            try
            {
                Files.deleteIfExists(recording);
            }
            catch (final IOException ex)
            {
                throw new AssertionError("cannot delete " + recording + ": " + ex, ex);
            }
        }
    }

    /** The files of decoded (received) audio, one per call. */
    List<Path> recordings()
    {
        try (Stream<Path> files = Files.list(dir.resolve("recordings")))
        {
            return files.filter(file -> file.getFileName().toString().endsWith("-dec.wav")).sorted().toList();
        }
        catch (final IOException ex)
        {
            throw new AssertionError("cannot list the recordings of " + user + ": " + ex, ex);
        }
    }

    /** For a failure dump: the end of baresip's log (its SIP trace included) and its events. */
    String describe()
    {
        return "--- baresip " + user + " (pid " + process.pid() + ", sip udp " + udpPort + ", tls " + tlsPort + ") " +
            log + ":\n" + logTail() + "\n--- its ctrl_tcp events:\n" +
            (ctrl == null ? "(not connected)" : ctrl.describeEvents());
    }

    private String logTail()
    {
        return ProcessLogs.tail(log, 120);
    }

    private List<CtrlTcp.Event> ofType(final String type, final String param)
    {
        return ctrl.events().stream()
            .filter(event -> event.type().equals(type) && (param == null || event.param().equals(param))).toList();
    }

    private void expectOk(final String command, final String params)
    {
        final CtrlTcp.Answer answer = ctrl.command(command, params, COMMAND_TIMEOUT);
        if (!answer.ok())
        {
            throw new AssertionError("baresip " + user + " refused '" + command + " " + (params == null ? "" : params) +
                "': " + answer.data());
        }
    }

    /** Closes ctrl_tcp, then stops baresip by its PID (SIGTERM: it sends BYE for a call left, then exits). */
    @Override
    public void close()
    {
        if (ctrl != null)
        {
            ctrl.close();
        }
        ProcessLogs.stop(process, STOP_GRACE);
    }
}
