package dev.referee.ops.interop;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The media port pool at its limits (issue 10), with SIPp parties through Referee and media anchored: a new call that
 * finds no free pair is refused 503 with Retry-After and nothing of it is made; a pair another process holds fails the
 * call that got it (503 to the caller, CANCEL to the callee, cause media-failed) and leaves the pool, so the next call
 * is served on other ports.
 */
@Tag("interop")
class MediaPortsInteropTest
{
    private static final Duration BOUND = Duration.ofSeconds(30);

    @RegisterExtension
    static final FailureDump DUMP = new FailureDump();

    private RefereeProcess referee;

    @AfterEach
    void stopReferee()
    {
        if (referee != null)
        {
            referee.close();
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldRefuseANewCallWhenEveryPairIsTakenAndServeAgainOnceOneIsFree() throws IOException
    {
        final Path dir = DUMP.workDir("referee-media-ports-");
        try (SippRun callee = DUMP.track(Sipp.uas("uas-answer-then-wait-bye.xml", dir).transport(SippTransport.UDP)
            .calls(2).globalTimeout(BOUND).start()))
        {
            // Two pairs: one call with one audio line.
            referee = start(dir, callee.localPort(), 24_200, 24_203);
            try (SippRun holding = DUMP.track(Sipp.uac("uac-basic-call.xml", dir.resolve("holding"))
                .remote(referee.sipPort()).service("bob").transport(SippTransport.UDP).calls(1).rate(1).limit(1)
                .holdMs(8_000).globalTimeout(BOUND).start()))
            {
                assertTrue(Ports.await(() -> referee.status().activeCalls() == 1, Duration.ofSeconds(10)),
                    () -> referee.status().raw());
                try (SippRun refused = DUMP.track(Sipp.uac("uac-expect-503.xml", dir.resolve("refused"))
                    .remote(referee.sipPort()).service("bob").transport(SippTransport.UDP).calls(1).rate(1).limit(1)
                    .globalTimeout(BOUND).start()))
                {
                    refused.awaitResult(BOUND).assertAllSucceeded(1);
                }
                assertEquals(1, referee.status().counter("callsRefused"), () -> referee.status().raw());
                holding.awaitResult(BOUND).assertAllSucceeded(1);
            }
            referee.awaitCallsEnded(Duration.ofSeconds(10));
            try (SippRun again = DUMP.track(Sipp.uac("uac-basic-call.xml", dir.resolve("again"))
                .remote(referee.sipPort()).service("bob").transport(SippTransport.UDP).calls(1).rate(1).limit(1)
                .globalTimeout(BOUND).start()))
            {
                again.awaitResult(BOUND).assertAllSucceeded(1);
            }
            callee.awaitResult(Duration.ofSeconds(15)).assertAllSucceeded(2);
        }
        assertTrue(Ports.await(() -> referee.status().counter("pairsInUse") == 0, Duration.ofSeconds(10)),
            () -> referee.status().raw());
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldFailTheCallWhosePairAnotherProcessHoldsAndServeTheNextOnOtherPorts() throws IOException
    {
        final Path dir = DUMP.workDir("referee-media-ports-taken-");
        // The first pair Referee hands out (the caller's leg of the first call) is held here, as by another process.
        try (DatagramSocket squatter = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(),
            24_210)))
        {
            final int calleePort;
            try (SippRun callee = DUMP.track(Sipp.uas("uas-ring-then-expect-cancel.xml", dir.resolve("ringing"))
                .transport(SippTransport.UDP).calls(1).globalTimeout(BOUND).start()))
            {
                calleePort = callee.localPort();
                referee = start(dir, calleePort, 24_210, 24_219);
                try (SippRun failed = DUMP.track(Sipp.uac("uac-expect-503.xml", dir.resolve("failed"))
                    .remote(referee.sipPort()).service("bob").transport(SippTransport.UDP).calls(1).rate(1).limit(1)
                    .globalTimeout(BOUND).start()))
                {
                    failed.awaitResult(BOUND).assertAllSucceeded(1);
                }
                callee.awaitResult(Duration.ofSeconds(15)).assertAllSucceeded(1);
            }
            referee.awaitCallsEnded(Duration.ofSeconds(10));
            final RefereeStatus afterFailure = referee.status();
            assertEquals(1, afterFailure.counter("openFailed"), afterFailure::raw);
            assertEquals(1, afterFailure.counter("pairsUnusable"), afterFailure::raw);
            assertEquals(1, afterFailure.counter("pairsInUse"), () -> "the unusable pair stays taken: " +
                afterFailure.raw());
            final String metrics = referee.metrics();
            assertTrue(Pattern.compile("(?m)^referee_calls_ended_total\\{outcome=\"media-failed\"} 1(\\.0)?$")
                .matcher(metrics).find(), metrics);

            // The next call is served, on pairs Referee can bind.
            try (SippRun callee = DUMP.track(Sipp.uas("uas-answer-then-wait-bye.xml", dir.resolve("answering"))
                .port(calleePort).transport(SippTransport.UDP).calls(1).globalTimeout(BOUND).start());
                SippRun served = DUMP.track(Sipp.uac("uac-basic-call.xml", dir.resolve("served"))
                    .remote(referee.sipPort()).service("bob").transport(SippTransport.UDP).calls(1).rate(1).limit(1)
                    .globalTimeout(BOUND).start()))
            {
                served.awaitResult(BOUND).assertAllSucceeded(1);
                callee.awaitResult(Duration.ofSeconds(15)).assertAllSucceeded(1);
            }
        }
    }

    private static RefereeProcess start(final Path dir, final int calleePort, final int lowPort, final int highPort)
        throws IOException
    {
        final RefereeProcess referee = RefereeProcess.start(Files.createDirectories(dir.resolve("referee")),
            calleePort, List.of(), RefereeProcess.mediaYaml(lowPort, highPort, ""));
        DUMP.always(referee::describe);
        return referee;
    }
}
