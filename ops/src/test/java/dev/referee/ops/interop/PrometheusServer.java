package dev.referee.ops.interop;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Prometheus server (Debian package {@code prometheus}, installed by scripts/install-test-tools.sh) started on
 * loopback for one test: the configuration it is given scrapes one target every second, its storage is a temporary
 * directory, and it is stopped by its PID. {@link #query} asks its HTTP API for the value of an instant query.
 */
final class PrometheusServer implements AutoCloseable
{
    static final String DEBIAN_PACKAGE = "prometheus";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(2);
    /** A vector's one sample, or a scalar: {@code "value":[1712.345,"42"]}. */
    private static final Pattern VALUE = Pattern.compile("\"value\":\\[[^,]+,\"([^\"]+)\"]");
    private static final int START_ATTEMPTS = 3;

    private final Process process;
    private final int port;
    private final Path logFile;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).build();

    private PrometheusServer(final Process process, final int port, final Path logFile)
    {
        this.process = process;
        this.port = port;
        this.logFile = logFile;
    }

    /**
     * Writes the configuration (job {@code referee}, scrape interval 1 s, target {@code 127.0.0.1:targetPort}) and
     * starts Prometheus in {@code dir}; waits (bounded) until it answers {@code /-/ready}. Prometheus cannot report a
     * port it chose, so a free one is probed first; if another process takes it in between, Prometheus exits and the
     * start is tried again on another.
     */
    static PrometheusServer start(final Path dir, final int targetPort) throws IOException
    {
        final Path binary = binary("prometheus");
        final Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n" +
            "  evaluation_interval: 1s\nscrape_configs:\n  - job_name: referee\n    static_configs:\n" +
            "      - targets: [\"" + Ports.LOOPBACK + ":" + targetPort + "\"]\n");
        AssertionError last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++)
        {
            final int port = freePort();
            final Path log = dir.resolve("prometheus-" + attempt + ".log");
            final Process process = new ProcessBuilder(binary.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + Files.createDirectories(dir.resolve("data-" + attempt)),
                "--web.listen-address=" + Ports.LOOPBACK + ":" + port,
                "--log.level=warn")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            final PrometheusServer server = new PrometheusServer(process, port, log);
            if (Ports.await(() -> server.ready() || !process.isAlive(), READY_TIMEOUT) && process.isAlive())
            {
                return server;
            }
            server.close();
            last = new AssertionError("Prometheus did not start on port " + port + ":\n" + SippRun.read(log));
        }
        throw last;
    }

    /** The value of the instant query {@code promql} (its one sample), or null while it has none. */
    Double query(final String promql)
    {
        try
        {
            final HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(
                "http://" + Ports.LOOPBACK + ":" + port + "/api/v1/query?query=" +
                URLEncoder.encode(promql, StandardCharsets.UTF_8))).timeout(HTTP_TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
            final Matcher value = VALUE.matcher(response.body());
            return response.statusCode() == 200 && value.find() ? Double.valueOf(value.group(1)) : null;
        }
        catch (final IOException ex)
        {
            return null;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** What Prometheus logged (warnings and errors). */
    String log()
    {
        return SippRun.read(logFile);
    }

    /** The first executable {@code name} on PATH; fails naming the Debian package when there is none. */
    static Path binary(final String name)
    {
        for (final String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        {
            final Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate))
            {
                return candidate;
            }
        }
        throw new AssertionError(name + " not found on PATH: install the Debian package " + DEBIAN_PACKAGE +
            " (scripts/install-test-tools.sh does)");
    }

    /** Stops Prometheus by its PID (SIGTERM, then SIGKILL after a grace period). */
    @Override
    public void close()
    {
        process.destroy();
        try
        {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS))
            {
                process.destroyForcibly().waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private boolean ready()
    {
        try
        {
            return http.send(HttpRequest.newBuilder(URI.create("http://" + Ports.LOOPBACK + ":" + port + "/-/ready"))
                .timeout(HTTP_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        }
        catch (final IOException ex)
        {
            return false;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(Ports.LOOPBACK)))
        {
            return probe.getLocalPort();
        }
    }
}
