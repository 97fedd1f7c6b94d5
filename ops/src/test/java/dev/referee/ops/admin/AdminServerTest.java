package dev.referee.ops.admin;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdminServerTest
{
    private final AtomicReference<StatusSnapshot> status = new AtomicReference<>(StatusSnapshot.idle(16, 8));
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private AdminServer server;

    @BeforeEach
    void start() throws Exception
    {
        server = AdminServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), status::get);
    }

    @AfterEach
    void stop()
    {
        server.close();
    }

    @Test
    void shouldAnswerHealth() throws Exception
    {
        final HttpResponse<String> response = send("GET", "/health");

        assertEquals(200, response.statusCode());
        assertEquals("{\"status\":\"ok\"}", response.body());
        assertEquals("application/json; charset=utf-8", response.headers().firstValue("Content-Type").orElse(""));
    }

    @Test
    void shouldAnswerHealth503NamingThePipelineThreadsThatEnded() throws Exception
    {
        final AtomicReference<List<String>> stopped = new AtomicReference<>(List.of());
        server.close();
        server = AdminServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), new StatusSource()
        {
            @Override
            public StatusSnapshot snapshot()
            {
                return status.get();
            }

            @Override
            public List<String> stoppedThreads()
            {
                return stopped.get();
            }
        });
        assertEquals(200, send("GET", "/health").statusCode());

        stopped.set(List.of("referee-engine-1", "referee-udp-1"));
        final HttpResponse<String> failed = send("GET", "/health");

        assertEquals(503, failed.statusCode());
        assertEquals("{\"status\":\"failed\",\"stoppedThreads\":[\"referee-engine-1\",\"referee-udp-1\"]}",
            failed.body());
        assertEquals(200, send("GET", "/status").statusCode(), "the figures are still served");
    }

    @Test
    void shouldServeStatusFromTheSourceInTheAgreedShape() throws Exception
    {
        final Map<String, Long> requestsIn = new LinkedHashMap<>();
        requestsIn.put("INVITE", 12L);
        requestsIn.put("BYE", 10L);
        final Map<Integer, Long> responsesIn = new LinkedHashMap<>();
        responsesIn.put(200, 11L);
        responsesIn.put(180, 7L);
        status.set(new StatusSnapshot(
            3, 6, 2, 5, 9,
            new StatusSnapshot.RingStatus(16380, 16384, 1020, 1024),
            new StatusSnapshot.MessageCounts(requestsIn, responsesIn),
            new StatusSnapshot.MessageCounts(Map.of("ACK", 4L), Map.of(100, 12L)),
            new StatusSnapshot.Drops(1, 2, 3, 4, 6, 7, 9, 10),
            new StatusSnapshot.Overload(20, 7, 5, 3, 150, 2, 1_250),
            new StatusSnapshot.Security(8, 13, 400, 2, 5),
            new StatusSnapshot.Tcp(21, 14, 15, 16, 17, 18, 19, 20),
            new StatusSnapshot.Trunks(Map.of("carrier", new StatusSnapshot.TrunkCalls(2, 1, 3, 4, 5, 6, 7))),
            new StatusSnapshot.Hep(31, 32, 33),
            Map.of("udp:10.0.0.1:5060", new StatusSnapshot.RouteTarget(0, 41, 1, 0)),
            new StatusSnapshot.Provisionals(51, 52, 53), new StatusSnapshot.Media(1, 100, 4, 2, 6000, 7, 3, 1)));

        final HttpResponse<String> response = send("GET", "/status");

        assertEquals(200, response.statusCode());
        assertEquals(
            "{\"activeCalls\":3,\"dialogs\":6,\"transactions\":2,\"transactionsWaiting\":5,\"timers\":9," +
            "\"ring\":{\"inboundRemaining\":16380,\"inboundSize\":16384,\"outboundRemaining\":1020," +
            "\"outboundSize\":1024}," +
            "\"messagesIn\":{\"requests\":{\"BYE\":10,\"INVITE\":12},\"responses\":{\"180\":7,\"200\":11}}," +
            "\"messagesOut\":{\"requests\":{\"ACK\":4},\"responses\":{\"100\":12}}," +
            "\"drops\":{\"inboundFull\":1,\"outboundFull\":2,\"overload503\":3,\"malformed\":4,\"journalRefused\":6," +
            "\"unexpected\":7,\"transactionLimit\":9,\"callLimit\":10}," +
            "\"overload\":{\"admitted\":20,\"shed\":7,\"absorbed\":5,\"backlog\":3,\"lagMs\":150,\"plannedPauses\":2,\"plannedPauseMs\":1250}," +
            "\"security\":{\"unknownRejected\":8,\"unknownDropped\":13,\"floodDropped\":400,\"blockedSources\":2," +
            "\"responsesFromElsewhere\":5}," +
            "\"tcp\":{\"connectionsOpen\":21,\"connectionsRefused\":14,\"bufferOverflows\":15,\"idleClosed\":16," +
            "\"readTimeouts\":17,\"tlsFailed\":18,\"connectFailures\":19,\"heldForRing\":20}," +
            "\"trunks\":{\"routeRefused\":1,\"callLimitRefused\":3,\"rateRefused\":4,\"replacesRefused\":5," +
            "\"authChallenged\":6,\"authFailed\":7," +
            "\"byName\":{\"carrier\":{\"calls\":2,\"routeRefused\":1,\"callLimitRefused\":3,\"rateRefused\":4," +
            "\"replacesRefused\":5,\"authChallenged\":6,\"authFailed\":7}}}," +
            "\"hep\":{\"sent\":31,\"dropped\":32,\"errors\":33}," +
            "\"routeTargets\":{\"udp:10.0.0.1:5060\":{\"up\":0,\"pings\":41,\"wentDown\":1,\"cameUp\":0}}," +
            "\"provisionals\":{\"pracksSent\":51,\"pracksReceived\":52,\"neverAcknowledged\":53}," +
            "\"media\":{\"enabled\":1,\"pairs\":100,\"pairsInUse\":4,\"callsRefused\":2,\"relayed\":6000," +
            "\"dropped\":7,\"openFailed\":3,\"pairsUnusable\":1}}",
            response.body());
    }

    @Test
    void shouldReadTheSourceOnEveryRequest() throws Exception
    {
        assertTrue(send("GET", "/status").body().startsWith("{\"activeCalls\":0,"));
        status.set(new StatusSnapshot(
            42, 0, 0, 0, 0, status.get().ring(), status.get().messagesIn(), status.get().messagesOut(),
            status.get().drops(), status.get().overload()));

        assertTrue(send("GET", "/status").body().startsWith("{\"activeCalls\":42,"));
    }

    @Test
    void shouldAnswer404ForUnknownPaths() throws Exception
    {
        assertEquals(404, send("GET", "/").statusCode());
        assertEquals(404, send("GET", "/health/x").statusCode());
        assertEquals(404, send("GET", "/statusx").statusCode());
    }

    @Test
    void shouldAnswer405ForOtherMethods() throws Exception
    {
        final HttpResponse<String> response = send("POST", "/status");

        assertEquals(405, response.statusCode());
        assertEquals("GET", response.headers().firstValue("Allow").orElse(""));
        assertEquals(405, send("DELETE", "/health").statusCode());
    }

    @Test
    void shouldAnswer500WhenTheSourceFails() throws Exception
    {
        server.close();
        server = AdminServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), () ->
        {
            throw new IllegalStateException("engine \"stopped\"");
        });

        final HttpResponse<String> response = send("GET", "/status");

        assertEquals(500, response.statusCode());
        assertEquals("{\"error\":\"java.lang.IllegalStateException: engine \\\"stopped\\\"\"}", response.body());
    }

    @Test
    void shouldServeMetricsFromTheMetricsSourceOnEveryRequest() throws Exception
    {
        server.close();
        final java.util.concurrent.atomic.AtomicInteger scrapes = new java.util.concurrent.atomic.AtomicInteger();
        server = AdminServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), status::get,
            new MetricsSource()
            {
                @Override
                public String contentType()
                {
                    return "text/plain; version=0.0.4; charset=utf-8";
                }

                @Override
                public byte[] scrape()
                {
                    return ("referee_calls_active " + scrapes.incrementAndGet() + "\n").getBytes();
                }
            });

        final HttpResponse<String> first = send("GET", "/metrics");

        assertEquals(200, first.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", first.headers().firstValue("Content-Type").orElse(""));
        assertEquals("referee_calls_active 1\n", first.body());
        assertEquals("referee_calls_active 2\n", send("GET", "/metrics").body());
        assertEquals(405, send("POST", "/metrics").statusCode());
    }

    @Test
    void shouldAnswer404ForMetricsWithoutAMetricsSource() throws Exception
    {
        assertEquals(404, send("GET", "/metrics").statusCode());
    }

    @Test
    void shouldReloadOnPostOnlyAndAnswerWithTheOutcome() throws Exception
    {
        server.close();
        final List<String> reloads = new ArrayList<>();
        server = AdminServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), status::get, null,
            new Reloader()
            {
                @Override
                public ReloadResult reload()
                {
                    reloads.add("reload");
                    return reloads.size() == 1 ? new ReloadResult(200, "reloaded x.yaml: 2 routes") :
                        new ReloadResult(400, "config error at x.yaml:7: routez: unknown key");
                }

                @Override
                public String adminToken()
                {
                    return null;
                }
            });

        assertEquals(405, send("GET", "/reload").statusCode(), "a read changes nothing");
        assertEquals(List.of(), reloads);
        final HttpResponse<String> applied = send("POST", "/reload");
        assertEquals(200, applied.statusCode());
        assertEquals("{\"reloaded\":true,\"message\":\"reloaded x.yaml: 2 routes\"}", applied.body());
        final HttpResponse<String> refused = send("POST", "/reload");
        assertEquals(400, refused.statusCode());
        assertTrue(refused.body().contains("x.yaml:7: routez"), refused.body());
    }

    @Test
    void shouldLetOnlyLoopbackClientsOrTheAdminTokenAct() throws Exception
    {
        final InetAddress remote = InetAddress.getByName("192.0.2.7");
        final String token = "s3cret-token-0123456789";
        assertTrue(AdminServer.mayAct(InetAddress.getByName("127.0.0.5"), null, null), "loopback");
        assertTrue(AdminServer.mayAct(InetAddress.getByName("::1"), token, null), "loopback, no token needed");
        assertFalse(AdminServer.mayAct(remote, null, "Bearer anything"), "no token configured: loopback only");
        assertFalse(AdminServer.mayAct(remote, token, null), "no credentials");
        assertFalse(AdminServer.mayAct(remote, token, "Bearer s3cret-token-012345678"), "a prefix of the token");
        assertFalse(AdminServer.mayAct(remote, token, "Basic " + token), "not a bearer token");
        assertTrue(AdminServer.mayAct(remote, token, "Bearer " + token));
        assertTrue(AdminServer.mayAct(remote, token, "bearer " + token), "the scheme is case-insensitive");
    }

    private HttpResponse<String> send(final String method, final String path) throws Exception
    {
        final URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + path);
        final HttpRequest request = HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(5))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
