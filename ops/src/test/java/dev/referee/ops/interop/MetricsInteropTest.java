package dev.referee.ops.interop;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /metrics} as operators use it: a real Prometheus server scrapes Referee every second while SIPp makes a
 * known number of basic calls and one blind transfer through it; Prometheus's HTTP API must then report exactly those
 * numbers, and {@code promtool check metrics} must accept what Referee exposes. Parties: a callee behind route
 * {@code bob} for the basic calls; for the transfer, a transferor behind route {@code transferor} that REFERs the
 * caller to the target behind route {@code carol}.
 */
@Tag("interop")
class MetricsInteropTest
{
    private static final int BASIC_CALLS = 5;
    private static final Duration SIPP_BOUND = Duration.ofSeconds(20);
    private static final Duration CALLS_END_WITHIN = Duration.ofSeconds(10);
    /** Scrapes every second: a few scrapes after the last call has ended. */
    private static final Duration PROMETHEUS_SEES_WITHIN = Duration.ofSeconds(15);

    @RegisterExtension
    static final FailureDump DUMP = new FailureDump();

    private static Path workDir;
    private static RefereeProcess current;
    private static PrometheusServer prometheus;
    private RefereeProcess referee;

    @BeforeAll
    static void requireTools() throws IOException
    {
        Sipp.binary();
        PrometheusServer.binary("prometheus");
        PrometheusServer.binary("promtool");
        workDir = DUMP.workDir("referee-metrics-interop-");
        DUMP.always(() -> (current == null ? "(no Referee)" : "--- Referee (pid " + current.pid() + ") " +
            current.logFile() + ":\n" + current.logTail(60)) +
            (prometheus == null ? "" : "\n--- Prometheus log:\n" + prometheus.log()));
    }

    @AfterEach
    void stop()
    {
        if (prometheus != null)
        {
            prometheus.close();
        }
        if (referee != null)
        {
            referee.close();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldReportTheCallsAndTheTransferToARealPrometheusInAFormatPromtoolAccepts() throws Exception
    {
        try (SippParties parties = new SippParties(DUMP))
        {
            final int bobPort = parties.start(Sipp.uas("uas-answer-then-wait-bye.xml", workDir)
                .calls(BASIC_CALLS).globalTimeout(SIPP_BOUND), BASIC_CALLS).localPort();
            final int carolPort = parties.start(Sipp.uas("uas-target-answer-offer-then-wait-bye.xml", workDir)
                .globalTimeout(SIPP_BOUND), 1).localPort();
            final int transferorPort = parties.start(Sipp.uas("uas-answer-then-refer-blind.xml", workDir)
                .key("target", "carol").globalTimeout(SIPP_BOUND), 1).localPort();
            referee = RefereeProcess.start(Files.createDirectories(workDir.resolve("referee")), bobPort, List.of(
                new RefereeProcess.Route("carol", carolPort), new RefereeProcess.Route("transferor", transferorPort)),
                "");
            current = referee;
            prometheus = PrometheusServer.start(workDir, referee.adminPort());

            parties.start(Sipp.uac("uac-basic-call.xml", workDir).remote(referee.sipPort()).service("bob")
                .calls(BASIC_CALLS).rate(10).globalTimeout(SIPP_BOUND), BASIC_CALLS);
            parties.start(Sipp.uac("uac-call-then-accept-transfer-reinvite.xml", workDir).remote(referee.sipPort())
                .service("transferor").key("target", "carol").holdMs(200).globalTimeout(SIPP_BOUND), 1);
            parties.assertAllSucceeded(SIPP_BOUND);
        }
        referee.awaitCallsEnded(CALLS_END_WITHIN);

        // The basic calls, the transferred call and the call the transfer made (transferee with target).
        final int calls = BASIC_CALLS + 2;
        final Map<String, Double> expected = new LinkedHashMap<>();
        expected.put("referee_calls_started_total", (double)calls);
        expected.put("sum(referee_calls_ended_total)", (double)calls);
        expected.put("referee_calls_ended_total{outcome=\"transferred\"}", 1.0);
        expected.put("referee_calls_active", 0.0);
        expected.put("referee_transfers_started_total", 1.0);
        expected.put("referee_transfers_total{kind=\"blind\",outcome=\"completed\"}", 1.0);
        expected.put("sum(referee_transfers_total{outcome=\"failed\"})", 0.0);
        expected.put("referee_transfer_duration_seconds_count", 1.0);
        expected.put("sum(referee_requests_shed_total)", 0.0);
        expected.put("referee_ring_used_slots{ring=\"inbound\"}", 0.0);
        assertPrometheusReports(expected);

        // Every input the engine took was timed; the JVM's memory is there too.
        assertTrue(prometheus.query("referee_engine_input_lag_seconds_count") >= calls * 4,
            "at least INVITE, ACK, BYE and a response per call");
        assertTrue(prometheus.query("jvm_memory_used_bytes{area=\"heap\"}") > 0);

        final Path exposed = workDir.resolve("metrics.txt");
        Files.writeString(exposed, scrapeReferee());
        final Process promtool = new ProcessBuilder(PrometheusServer.binary("promtool").toString(), "check", "metrics")
            .redirectInput(exposed.toFile()).redirectErrorStream(true).start();
        final String verdict = new String(promtool.getInputStream().readAllBytes());
        assertTrue(promtool.waitFor(10, TimeUnit.SECONDS), "promtool did not finish");
        assertEquals(0, promtool.exitValue(), "promtool check metrics on " + exposed + ":\n" + verdict);
    }

    /** Waits (bounded) until Prometheus answers every query with its expected value; fails naming those it did not. */
    private static void assertPrometheusReports(final Map<String, Double> expected)
    {
        final Map<String, Double> seen = new LinkedHashMap<>();
        final boolean all = Ports.await(() ->
        {
            expected.keySet().forEach((query) -> seen.put(query, prometheus.query(query)));
            return seen.equals(expected);
        }, PROMETHEUS_SEES_WITHIN);
        assertTrue(all, "Prometheus reported " + seen + "\nexpected " + expected);
    }

    private String scrapeReferee() throws IOException, InterruptedException
    {
        final HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
            "http://" + Ports.LOOPBACK + ":" + referee.adminPort() + "/metrics")).timeout(Duration.ofSeconds(2))
            .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return response.body();
    }
}
