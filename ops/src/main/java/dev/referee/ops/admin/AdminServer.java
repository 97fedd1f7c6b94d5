package dev.referee.ops.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The admin HTTP endpoint: {@code GET /health}, {@code GET /status} and, when given a {@link MetricsSource},
 * {@code GET /metrics} (Prometheus). It runs on one daemon thread of its own so
 * that a slow or hostile HTTP client can never take time from the SIP pipeline threads.
 */
public final class AdminServer implements AutoCloseable
{
    static final String HEALTH_PATH = "/health";
    static final String STATUS_PATH = "/status";
    static final String METRICS_PATH = "/metrics";
    private static final String HEALTH_BODY = "{\"status\":\"ok\"}";

    private final HttpServer server;
    private final ExecutorService executor;
    private final StatusSource statusSource;
    private final MetricsSource metricsSource; // null: no /metrics

    private AdminServer(final HttpServer server, final ExecutorService executor, final StatusSource statusSource,
        final MetricsSource metricsSource)
    {
        this.server = server;
        this.executor = executor;
        this.statusSource = statusSource;
        this.metricsSource = metricsSource;
    }

    /**
     * Binds {@code address} (port 0 picks a free port, see {@link #address()}) and starts serving.
     *
     * @throws java.net.BindException when the address is in use or not local.
     */
    public static AdminServer start(final InetSocketAddress address, final StatusSource statusSource)
        throws IOException
    {
        return start(address, statusSource, null);
    }

    /** As above, with {@code GET /metrics} served from {@code metricsSource} (null: none, 404). */
    public static AdminServer start(final InetSocketAddress address, final StatusSource statusSource,
        final MetricsSource metricsSource) throws IOException
    {
        final HttpServer server = HttpServer.create(address, 16);
        final ExecutorService executor = Executors.newSingleThreadExecutor(
            (runnable) ->
            {
                final Thread thread = new Thread(runnable, "referee-admin");
                thread.setDaemon(true);
                return thread;
            });
        final AdminServer admin = new AdminServer(server, executor, statusSource, metricsSource);
        server.setExecutor(executor);
        // One context for every path so that unknown paths get our 404 rather than the server's own page.
        server.createContext("/", admin::handle);
        server.start();
        return admin;
    }

    /** The bound address, with the actual port when 0 was asked for. */
    public InetSocketAddress address()
    {
        return server.getAddress();
    }

    /** Stops accepting, ends exchanges in progress and stops the thread. */
    @Override
    public void close()
    {
        server.stop(0);
        executor.shutdownNow();
        try
        {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(final HttpExchange exchange) throws IOException
    {
        try (exchange)
        {
            final String path = exchange.getRequestURI().getPath();
            final boolean metrics = metricsSource != null && METRICS_PATH.equals(path);
            if (!HEALTH_PATH.equals(path) && !STATUS_PATH.equals(path) && !metrics)
            {
                respond(exchange, 404, "{\"error\":\"not found\"}");
                return;
            }
            if (!"GET".equals(exchange.getRequestMethod()))
            {
                exchange.getResponseHeaders().set("Allow", "GET");
                respond(exchange, 405, "{\"error\":\"method not allowed\"}");
                return;
            }
            if (HEALTH_PATH.equals(path))
            {
                respond(exchange, 200, HEALTH_BODY);
            }
            else if (metrics)
            {
                metrics(exchange);
            }
            else
            {
                status(exchange);
            }
        }
    }

    private void status(final HttpExchange exchange) throws IOException
    {
        final String body;
        try
        {
            body = StatusJson.write(statusSource.snapshot());
        }
        catch (final RuntimeException ex)
        {
            final StringBuilder error = new StringBuilder("{\"error\":");
            StatusJson.string(error, String.valueOf(ex));
            respond(exchange, 500, error.append('}').toString());
            return;
        }
        respond(exchange, 200, body);
    }

    private void metrics(final HttpExchange exchange) throws IOException
    {
        final byte[] body;
        try
        {
            body = metricsSource.scrape();
        }
        catch (final IOException | RuntimeException ex)
        {
            final StringBuilder error = new StringBuilder("{\"error\":");
            StatusJson.string(error, String.valueOf(ex));
            respond(exchange, 500, error.append('}').toString());
            return;
        }
        respond(exchange, 200, metricsSource.contentType(), body);
    }

    private static void respond(final HttpExchange exchange, final int status, final String body) throws IOException
    {
        respond(exchange, status, "application/json; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    private static void respond(final HttpExchange exchange, final int status, final String contentType,
        final byte[] bytes) throws IOException
    {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody())
        {
            out.write(bytes);
        }
    }
}
