package dev.referee.media;

import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static dev.referee.media.MediaRelayHarness.LOOPBACK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The relay on its own thread, both ways of waiting: commands wake it, packets flow, reports come back. */
class MediaRelayThreadTest
{
    @ParameterizedTest
    @EnumSource(RelayWait.class)
    void shouldRelayOnItsOwnThreadDrivenOnlyThroughTheRings(final RelayWait wait)
    {
        final RecordedReports reports = new RecordedReports();
        final RelayConfig config = RelayConfig.defaults(LOOPBACK).withWaiting(wait);
        try (MediaRelay relay = new MediaRelay(config).start();
            Peer phoneA = new Peer();
            Peer phoneB = new Peer())
        {
            final MediaCommands commands = relay.commands();
            final int portA = MediaRelayHarness.freePair();
            int portB = MediaRelayHarness.freePair();
            while (portB == portA)
            {
                portB = MediaRelayHarness.freePair();
            }
            assertTrue(commands.open(1, portA, true, 0));
            assertTrue(commands.open(2, portB, true, 0));
            assertTrue(commands.peer(1, LOOPBACK, phoneA.port(), phoneA.port() + 1, false, 8000));
            assertTrue(commands.peer(2, LOOPBACK, phoneB.port(), phoneB.port() + 1, false, 8000));
            assertTrue(commands.link(1, 2));
            awaitReports(relay, reports, () -> reports.opened.size() + reports.openFailed.size() == 2);
            assertEquals(2, reports.opened.size(), "ports " + portA + " and " + portB + " free");

            final AtomicReference<Peer.Received> got = new AtomicReference<>();
            phoneA.rtp(portA, 1, 0, 0xA, (byte)'a');
            Awaitility.await().pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(5))
                .until(() -> (got.compareAndSet(null, phoneB.receive())) && got.get() != null);
            assertEquals(new InetSocketAddress(LOOPBACK, portB), got.get().from());

            got.set(null);
            phoneB.rtp(portB, 1, 0, 0xB, (byte)'b');
            Awaitility.await().pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(5))
                .until(() -> (got.compareAndSet(null, phoneA.receive())) && got.get() != null);
            assertEquals('b', got.get().tag());

            assertTrue(commands.close(1));
            awaitReports(relay, reports, () -> reports.closed.containsKey(1L));
            assertEquals(1, reports.closed.get(1L).packets());
            assertEquals(2, reports.latched.size(), "each phone latched on its first packet");
        }
    }

    private static void awaitReports(final MediaRelay relay, final RecordedReports reports,
        final java.util.function.BooleanSupplier condition)
    {
        Awaitility.await().pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(5)).until(() ->
        {
            relay.reports().poll(reports, 100);
            return condition.getAsBoolean();
        });
    }
}
