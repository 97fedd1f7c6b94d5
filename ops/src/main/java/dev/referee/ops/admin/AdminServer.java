package dev.referee.ops.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The admin HTTP endpoint: {@code GET /health}, {@code GET /status}, when given a {@link MetricsSource}
 * {@code GET /metrics} (Prometheus), and when given a {@link Reloader} {@code POST /reload}. Reads are GET; an action
 * that changes state is POST only, and is accepted from a loopback client or with the {@code admin-token} as a
 * bearer token (RFC 6750: {@code Authorization: Bearer TOKEN}), compared in constant time. It runs on one daemon
 * thread of its own so that a slow or hostile HTTP client can never take time from the SIP pipeline threads.
 */
public final class AdminServer implements AutoCloseable
{
    static final String HEALTH_PATH = "/health";
    static final String STATUS_PATH = "/status";
    static final String METRICS_PATH = "/metrics";
    static final String RELOAD_PATH = "/reload";
    private static final String HEALTH_BODY = "{\"status\":\"ok\"}";

    private final HttpServer server;
    private final ExecutorService executor;
    private final StatusSource statusSource;
    private final MetricsSource metricsSource; // null: no /metrics
    private final Reloader reloader; // null: no /reload

    private AdminServer(final HttpServer server, final ExecutorService executor, final StatusSource statusSource,
        final MetricsSource metricsSource, final Reloader reloader)
    {
        this.server = server;
        this.executor = executor;
        this.statusSource = statusSource;
        this.metricsSource = metricsSource;
        this.reloader = reloader;
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
        return start(address, statusSource, metricsSource, null);
    }

    /** As above, with {@code POST /reload} served by {@code reloader} (null: none, 404). */
    public static AdminServer start(final InetSocketAddress address, final StatusSource statusSource,
        final MetricsSource metricsSource, final Reloader reloader) throws IOException
    {
        final HttpServer server = HttpServer.create(address, 16);
        final ExecutorService executor = Executors.newSingleThreadExecutor(
            (runnable) ->
            {
                final Thread thread = new Thread(runnable, "referee-admin");
                thread.setDaemon(true);
                return thread;
            });
        final AdminServer admin = new AdminServer(server, executor, statusSource, metricsSource, reloader);
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
            if (reloader != null && RELOAD_PATH.equals(path))
            {
                reload(exchange);
                return;
            }
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
                health(exchange);
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

    /** {@code 200 {"status":"ok"}}, or 503 naming the pipeline threads that ended ({@link StatusSource#stoppedThreads}). */
    private void health(final HttpExchange exchange) throws IOException
    {
        final List<String> stopped = statusSource.stoppedThreads();
        if (stopped.isEmpty())
        {
            respond(exchange, 200, HEALTH_BODY);
            return;
        }
        final StringBuilder body = new StringBuilder("{\"status\":\"failed\",\"stoppedThreads\":[");
        for (int i = 0; i < stopped.size(); i++)
        {
            StatusJson.string(i == 0 ? body : body.append(','), stopped.get(i));
        }
        respond(exchange, 503, body.append("]}").toString());
    }

    private void reload(final HttpExchange exchange) throws IOException
    {
        if (!"POST".equals(exchange.getRequestMethod()))
        {
            exchange.getResponseHeaders().set("Allow", "POST");
            respond(exchange, 405, "{\"error\":\"method not allowed: an action is POST\"}");
            return;
        }
        if (!mayAct(exchange))
        {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"referee\"");
            respond(exchange, 401, "{\"error\":\"admin actions need a loopback client or the admin-token\"}");
            return;
        }
        final ReloadResult result = reloader.reload();
        final StringBuilder body = new StringBuilder("{\"reloaded\":").append(result.applied()).append(",\"message\":");
        StatusJson.string(body, result.message());
        respond(exchange, result.status(), body.append('}').toString());
    }

    private boolean mayAct(final HttpExchange exchange)
    {
        return mayAct(exchange.getRemoteAddress().getAddress(), reloader.adminToken(),
            exchange.getRequestHeaders().getFirst("Authorization"));
    }

    /** A loopback client, or one presenting {@code token} (the admin-token in force; null: none) as its bearer. */
    static boolean mayAct(final InetAddress client, final String token, final String authorization)
    {
        if (client != null && client.isLoopbackAddress())
        {
            return true;
        }
        if (token == null || authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length()))
        {
            return false;
        }
        // Constant time: how long the comparison takes says nothing of how much of the token was right.
        return MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
            authorization.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8));
    }

    private static final String BEARER = "Bearer ";

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
