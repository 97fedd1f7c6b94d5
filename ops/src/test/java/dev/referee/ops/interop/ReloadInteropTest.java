package dev.referee.ops.interop;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reload (issue 11): {@code referee reload} and SIGHUP make the running node read its file again; a route added is
 * taken by the next call, a route removed is gone, a bad file is refused with its line and the running configuration
 * stays, and a call up through all of it completes. {@code GET /reload} is refused: an action is POST only.
 */
@Tag("interop")
class ReloadInteropTest
{
    private static final Duration BOUND = Duration.ofSeconds(30);

    @RegisterExtension
    static final FailureDump DUMP = new FailureDump();

    private Path workDir;
    private RefereeProcess referee;

    @BeforeEach
    void makeWorkDir() throws IOException
    {
        Sipp.binary();
        workDir = DUMP.workDir("referee-reload-interop-");
    }

    @AfterEach
    void stopReferee()
    {
        if (referee != null)
        {
            referee.close();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldApplyARouteOnReloadRefuseABadFileAndDropNoCall() throws Exception
    {
        try (SippParties parties = new SippParties(DUMP))
        {
            // Bob answers the long call and the three calls to carol (routed to the same SIPp).
            final SippRun callee = parties.start(Sipp.uas("uas-answer-then-wait-bye.xml", workDir).calls(4)
                .globalTimeout(Duration.ofSeconds(60)), 4);
            referee = RefereeProcess.start(workDir, callee.localPort(), List.of(), "warm-up:\n  calls: 0\n");
            DUMP.always(() -> "--- Referee " + referee.logFile() + ":\n" + referee.logTail(40));
            // The file as an operator would have it: the ports the node bound (it was started on port 0).
            final String original = referee.configYaml();
            final String withCarol = original.replace("routes:\n", "routes:\n  - user: \"carol\"\n    target: \"" +
                Ports.LOOPBACK + ":" + callee.localPort() + "\"\n");

            // A call up for 12 s: it lives through both reloads and the refused file.
            final SippRun longCall = parties.start(Sipp.uac("uac-basic-call.xml", workDir).remote(referee.sipPort())
                .service("bob").holdMs(12_000).calls(1).globalTimeout(BOUND), 1);
            expectNoRoute();

            Files.writeString(referee.configFile(), withCarol);
            final JournalTool.Result reloaded = reload();
            assertEquals(0, reloaded.exitCode(), reloaded.output());
            assertTrue(reloaded.output().contains("reloaded") && reloaded.output().contains("3 routes"),
                reloaded.output());
            call("carol");

            Files.writeString(referee.configFile(), withCarol + "routez: []\n");
            final JournalTool.Result refused = reload();
            assertEquals(2, refused.exitCode(), refused.output());
            assertTrue(refused.output().contains(":" + (withCarol.split("\n").length + 1) + ":") &&
                refused.output().contains("routez") && refused.output().contains("running configuration stays"),
                "names the line and key: " + refused.output());
            // The node itself refuses it too (SIGHUP, as systemd's ExecReload sends it), and logs why.
            hangUp();
            assertTrue(Ports.await(() -> referee.logTail(20).contains("SIGHUP: config error at"),
                Duration.ofSeconds(10)), "the node logs why it refused the file");
            assertTrue(referee.logTail(20).contains("routez"), referee.logTail(20));
            call("carol");

            // Back to the original file by SIGHUP: carol's route is gone.
            Files.writeString(referee.configFile(), original);
            hangUp();
            assertTrue(Ports.await(() -> referee.logTail(20).contains("SIGHUP: reloaded"), Duration.ofSeconds(10)),
                "the node logs the reload SIGHUP asked for");
            expectNoRoute();

            longCall.awaitResult(BOUND).assertAllSucceeded(1);
            assertEquals(405, get("/reload"), "GET changes nothing: an action is POST");
        }
        referee.awaitCallsEnded(Duration.ofSeconds(15));
    }

    private void hangUp() throws IOException, InterruptedException
    {
        final Process hup = new ProcessBuilder("kill", "-HUP", Long.toString(referee.pid())).inheritIO().start();
        assertEquals(0, hup.waitFor());
    }

    private JournalTool.Result reload()
    {
        return JournalTool.referee(List.of("reload", "--config", referee.configFile().toString()));
    }

    private void call(final String user)
    {
        DUMP.track(Sipp.uac("uac-basic-call.xml", workDir).remote(referee.sipPort()).service(user).calls(1)
            .globalTimeout(BOUND).start()).awaitResult(BOUND).assertAllSucceeded(1);
    }

    private void expectNoRoute()
    {
        DUMP.track(Sipp.uac("uac-expect-404.xml", workDir).remote(referee.sipPort()).service("carol").calls(1)
            .globalTimeout(BOUND).start()).awaitResult(BOUND).assertAllSucceeded(1);
    }

    private int get(final String path) throws IOException, InterruptedException
    {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + Ports.LOOPBACK + ":" + referee.adminPort() + path)).GET().build(),
            HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
