package dev.referee.ops.metrics;

import dev.referee.engine.counters.EngineCounters;
import dev.referee.engine.counters.TrunkCounters;
import dev.referee.ops.admin.StatusSnapshot;
import dev.referee.ring.PipelineCounters;
import dev.referee.sip.SipMethod;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET /metrics} as a scraper reads it, after known inputs to the counters it reads. */
class MetricsExpositionTest
{
    private static final long S = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    private final EngineCounters engine = new EngineCounters();
    private final PipelineCounters pipeline = new PipelineCounters();
    private StatusSnapshot status = new StatusSnapshot(
        3, 6, 2, 5, 40,
        new StatusSnapshot.RingStatus(1000, 1024, 2040, 2048),
        new StatusSnapshot.MessageCounts(Map.of("INVITE", 7L, "BYE", 4L), Map.of(200, 9L)),
        new StatusSnapshot.MessageCounts(Map.of("INVITE", 6L), Map.of(100, 7L, 486, 1L)),
        new StatusSnapshot.Drops(11, 12, 13, 14, 15, 16, 17, 18),
        new StatusSnapshot.Overload(50, 21, 22, 24, 0, 3, 2_500),
        new StatusSnapshot.Security(31, 32, 33, 34, 35),
        new StatusSnapshot.Tcp(41, 42, 43, 44, 45, 46, 47, 48));

    private Exposition scrape(final JournalAppends journal) throws IOException
    {
        final MetricsExposition exposition = new MetricsExposition(
            new RefereeCollector(() -> status, engine, () -> pipeline, () -> 1500 * MS, journal));
        assertEquals("text/plain; version=0.0.4; charset=utf-8", exposition.contentType());
        return new Exposition(new String(exposition.scrape(), StandardCharsets.UTF_8));
    }

    @Test
    void shouldExposeCallsByOutcomeFromTheEngineEvents() throws IOException
    {
        engine.outcomes().onCallCreated(0, 1, 0, "a", "b", "f", "t", "x");
        engine.outcomes().onCallCreated(0, 2, 0, "a", "b", "f", "t", "x");
        engine.outcomes().onCallEnded(S, 1, "caller-bye", 0);

        final Exposition metrics = scrape(null);

        assertEquals("gauge", metrics.types.get("referee_calls_active"));
        assertEquals(3, metrics.value("referee_calls_active"));
        assertEquals("counter", metrics.types.get("referee_calls_started_total"));
        assertEquals(2, metrics.value("referee_calls_started_total"));
        assertEquals(1, metrics.value("referee_calls_ended_total{outcome=\"caller-bye\"}"));
        assertEquals(0, metrics.value("referee_calls_ended_total{outcome=\"rejected\"}"),
            "every outcome is exposed from the start, so that rate() sees its first increase");
        assertEquals(2, metrics.value("referee_transactions{state=\"pending\"}"));
        assertEquals(5, metrics.value("referee_transactions{state=\"waiting\"}"));
    }

    @Test
    void shouldExposeTransfersByKindAndOutcomeAndTheirDurationInSeconds() throws IOException
    {
        engine.outcomes().onTransferStarted(10 * S, 1, 1, "blind", "sip:carol@example.com");
        engine.outcomes().onTransferCompleted(12 * S, 1, 1, 2);
        engine.outcomes().onTransferStarted(20 * S, 3, 2, "attended", "sip:dave@example.com");
        engine.outcomes().onTransferFailed(20 * S + 300 * MS, 3, 2, 486, "busy");

        final Exposition metrics = scrape(null);

        assertEquals(2, metrics.value("referee_transfers_started_total"));
        assertEquals(1, metrics.value("referee_transfers_total{kind=\"blind\",outcome=\"completed\"}"));
        assertEquals(1, metrics.value("referee_transfers_total{kind=\"attended\",outcome=\"failed\"}"));
        assertEquals(0, metrics.value("referee_transfers_total{kind=\"blind\",outcome=\"failed\"}"));
        assertEquals("histogram", metrics.types.get("referee_transfer_duration_seconds"));
        assertEquals(1, metrics.value("referee_transfer_duration_seconds_bucket{le=\"0.5\"}"), "the 0.3 s one");
        assertEquals(1, metrics.value("referee_transfer_duration_seconds_bucket{le=\"1.0\"}"), "cumulative");
        assertEquals(2, metrics.value("referee_transfer_duration_seconds_bucket{le=\"2.0\"}"));
        assertEquals(2, metrics.value("referee_transfer_duration_seconds_bucket{le=\"+Inf\"}"));
        assertEquals(2, metrics.value("referee_transfer_duration_seconds_count"));
        assertEquals(2.3, metrics.value("referee_transfer_duration_seconds_sum"), 1e-9);
    }

    @Test
    void shouldExposeSipMessagesByDirectionMethodAndCodeAndRetransmissions() throws IOException
    {
        engine.increment(EngineCounters.RETRANSMISSIONS_SENT);
        engine.increment(EngineCounters.RETRANSMISSIONS_RECEIVED);
        engine.increment(EngineCounters.RELOADS);
        engine.increment(EngineCounters.FORKS_RELEASED);
        engine.increment(EngineCounters.MERGED_REQUESTS);
        engine.increment(EngineCounters.MERGED_REQUESTS);
        engine.set(EngineCounters.TRANSACTIONS_WAITING_EVICTED, 3);
        engine.increment(EngineCounters.PRACKS_SENT);
        engine.increment(EngineCounters.PRACKS_RECEIVED);
        engine.increment(EngineCounters.PRACKS_RECEIVED);
        engine.increment(EngineCounters.PROVISIONALS_UNACKNOWLEDGED);

        final Exposition metrics = scrape(null);

        assertEquals(7, metrics.value("referee_sip_requests_total{direction=\"received\",method=\"INVITE\"}"));
        assertEquals(4, metrics.value("referee_sip_requests_total{direction=\"received\",method=\"BYE\"}"));
        assertEquals(6, metrics.value("referee_sip_requests_total{direction=\"sent\",method=\"INVITE\"}"));
        assertEquals(0, metrics.value("referee_sip_requests_total{direction=\"received\",method=\"REFER\"}"),
            "every method from the start");
        assertEquals(9, metrics.value("referee_sip_responses_total{code=\"200\",direction=\"received\"}"));
        assertEquals(1, metrics.value("referee_sip_responses_total{code=\"486\",direction=\"sent\"}"));
        assertEquals(1, metrics.value("referee_sip_retransmissions_total{direction=\"sent\"}"));
        assertEquals(1, metrics.value("referee_config_reloads_total"));
        assertEquals(1, metrics.value("referee_sip_forks_released_total"));
        assertEquals(2, metrics.value("referee_sip_merged_requests_total"));
        assertEquals(3, metrics.value("referee_sip_transactions_waiting_evicted_total"));
        assertEquals(1, metrics.value("referee_sip_pracks_total{direction=\"sent\"}"));
        assertEquals(2, metrics.value("referee_sip_pracks_total{direction=\"received\"}"));
        assertEquals(1, metrics.value("referee_sip_provisionals_unacknowledged_total"));
        assertEquals(1 + 22, metrics.value("referee_sip_retransmissions_total{direction=\"received\"}"),
            "the engine's and those absorbed on receive");
    }

    @Test
    void shouldExposeWhatBecameOfTheHepCopies() throws IOException
    {
        assertEquals(0, scrape(null).value("referee_hep_messages_total{result=\"sent\"}"), "zeros without hep");
        status = new StatusSnapshot(status.activeCalls(), status.dialogs(), status.transactions(),
            status.transactionsWaiting(), status.timers(), status.ring(), status.messagesIn(), status.messagesOut(),
            status.drops(), status.overload(), status.security(), status.tcp(), status.trunks(),
            new StatusSnapshot.Hep(65, 3, 1));
        final Exposition metrics = scrape(null);
        assertEquals(65, metrics.value("referee_hep_messages_total{result=\"sent\"}"));
        assertEquals(3, metrics.value("referee_hep_messages_total{result=\"dropped\"}"));
        assertEquals(1, metrics.value("referee_hep_messages_total{result=\"errors\"}"));
    }

    @Test
    void shouldExposeDropsAndShedRequestsByReason() throws IOException
    {
        final TrunkCounters trunks = new TrunkCounters(List.of("carrier", "default"));
        trunks.increment(0, TrunkCounters.CALL_LIMIT_REFUSED);
        trunks.increment(1, TrunkCounters.RATE_REFUSED);
        trunks.increment(1, TrunkCounters.RATE_REFUSED);
        engine.trunks(trunks);
        pipeline.udpSendDropped.increment();
        pipeline.udpSendFenced.increment();
        pipeline.udpAnswersFenced.increment();
        pipeline.tcpSendFenced.increment();

        final Exposition metrics = scrape(null);

        assertEquals(11, metrics.value("referee_messages_dropped_total{reason=\"inbound_ring_full\"}"));
        assertEquals(12, metrics.value("referee_messages_dropped_total{reason=\"outbound_ring_full\"}"));
        assertEquals(14, metrics.value("referee_messages_dropped_total{reason=\"malformed\"}"));
        assertEquals(15, metrics.value("referee_messages_dropped_total{reason=\"journal_refused\"}"));
        assertEquals(16, metrics.value("referee_messages_dropped_total{reason=\"unexpected\"}"));
        assertEquals(32, metrics.value("referee_messages_dropped_total{reason=\"unknown_source\"}"));
        assertEquals(33, metrics.value("referee_messages_dropped_total{reason=\"flood\"}"));
        assertEquals(35, metrics.value("referee_messages_dropped_total{reason=\"response_from_elsewhere\"}"));
        assertEquals(1, metrics.value("referee_messages_dropped_total{reason=\"send_failed\"}"));
        assertEquals(3, metrics.value("referee_messages_dropped_total{reason=\"not_leader\"}"));
        assertEquals(21, metrics.value("referee_requests_shed_total{reason=\"admission\"}"));
        assertEquals(13, metrics.value("referee_requests_shed_total{reason=\"inbound_ring_full\"}"));
        assertEquals(17, metrics.value("referee_requests_shed_total{reason=\"transaction_limit\"}"));
        assertEquals(18, metrics.value("referee_requests_shed_total{reason=\"call_limit\"}"));
        assertEquals(1, metrics.value("referee_requests_shed_total{reason=\"trunk_call_limit\"}"));
        assertEquals(2, metrics.value("referee_requests_shed_total{reason=\"trunk_rate_limit\"}"));
        assertEquals(2, metrics.value("referee_trunk_refused_total{reason=\"rate\",trunk=\"default\"}"));
        assertEquals(1, metrics.value("referee_trunk_refused_total{reason=\"call_limit\",trunk=\"carrier\"}"));
        assertEquals(31, metrics.value("referee_unknown_source_rejected_total"));
        assertEquals(48, metrics.value("referee_tcp_held_for_ring_total"), "waited for a slot, not dropped");
    }

    @Test
    void shouldExposeRingOccupancyAndEngineLag() throws IOException
    {
        pipeline.inputLagNs.record(30_000);      // 30 µs
        pipeline.inputLagNs.record(3 * MS);
        pipeline.inputLagNs.record(4 * S);       // beyond the last bound
        pipeline.udpSocketWaitNs.record(0);
        pipeline.udpSocketWaitNs.record(300 * MS);

        final Exposition metrics = scrape(null);

        assertEquals(24, metrics.value("referee_ring_used_slots{ring=\"inbound\"}"));
        assertEquals(8, metrics.value("referee_ring_used_slots{ring=\"outbound\"}"));
        assertEquals(1024, metrics.value("referee_ring_slots{ring=\"inbound\"}"));
        assertEquals(24, metrics.value("referee_engine_backlog"));
        assertEquals(3, metrics.value("referee_engine_planned_pauses_total"));
        assertEquals(2.5, metrics.value("referee_engine_planned_pause_seconds_total"), "journal snapshots, in all");
        assertEquals(1.5, metrics.value("referee_engine_lag_seconds"));
        assertEquals(1, metrics.value("referee_engine_input_lag_seconds_bucket{le=\"5.0E-5\"}"));
        assertEquals(2, metrics.value("referee_engine_input_lag_seconds_bucket{le=\"0.005\"}"));
        assertEquals(2, metrics.value("referee_engine_input_lag_seconds_bucket{le=\"2.5\"}"));
        assertEquals(3, metrics.value("referee_engine_input_lag_seconds_count"));
        assertEquals(4.00303, metrics.value("referee_engine_input_lag_seconds_sum"), 1e-9);
        assertEquals(1, metrics.value("referee_udp_socket_wait_seconds_bucket{le=\"5.0E-5\"}"));
        assertEquals(1, metrics.value("referee_udp_socket_wait_seconds_bucket{le=\"0.25\"}"));
        assertEquals(2, metrics.value("referee_udp_socket_wait_seconds_bucket{le=\"0.5\"}"));
        assertEquals(0.3, metrics.value("referee_udp_socket_wait_seconds_sum"), 1e-9);
    }

    @Test
    void shouldExposeTheJournalOnlyWhenThereIsOne() throws IOException
    {
        assertFalse(scrape(null).exposes("referee_journal_written_bytes_total"));

        final Exposition metrics = scrape(new JournalAppends(() -> 12, () -> 3456));

        assertEquals(12, metrics.value("referee_journal_records_total"));
        assertEquals(3456, metrics.value("referee_journal_written_bytes_total"));
        assertEquals(1.5, metrics.value("referee_journal_lag_seconds"));
    }

    @Test
    void shouldExposeJvmMemoryAndGarbageCollection() throws IOException
    {
        final Exposition metrics = scrape(null);

        assertTrue(metrics.value("jvm_memory_used_bytes{area=\"heap\"}") > 0);
        assertEquals("summary", metrics.types.get("jvm_gc_collection_seconds"));
        assertTrue(metrics.exposes("jvm_gc_collection_seconds_count"));
    }

    @Test
    void shouldCountRequestsOfUnknownMethodsUnderOther()
    {
        // /status and /metrics share the engine's slots: an extension method is counted under OTHER.
        engine.requestIn(SipMethod.UNKNOWN);
        assertEquals("OTHER", EngineCounters.methodOfSlot(EngineCounters.methodSlot(SipMethod.UNKNOWN)));
        assertEquals(1, engine.requestsIn(0));
    }
}
