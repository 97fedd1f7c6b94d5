package dev.referee.engine.call;

import dev.referee.engine.EngineHarness;
import dev.referee.engine.counters.EngineCounters;
import dev.referee.engine.state.StateMachine;
import dev.referee.engine.state.TransitionListener;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A leg's one offer/answer transition: applied and reported, or refused, counted and reported. */
class LegOfferAnswerTest
{
    private final EngineHarness harness = new EngineHarness();
    private final List<String> reported = new ArrayList<>();
    private final Leg leg = new Leg(7, null, harness.engine.snapshotParts().b2bua());

    LegOfferAnswerTest()
    {
        harness.engine.transitions().listener(new TransitionListener()
        {
            @Override
            public void onTransition(final StateMachine machine, final long id, final long callId, final Enum<?> from,
                final Enum<?> to, final String reason, final long nowNs)
            {
                reported.add("move " + machine + " " + id + ": " + from + " -> " + to + " (" + reason + ")");
            }

            @Override
            public void onRefusedMove(final StateMachine machine, final long id, final long callId,
                final Enum<?> from, final Enum<?> to, final String reason, final long nowNs)
            {
                reported.add("refused " + machine + " " + id + ": " + from + " -> " + to + " (" + reason + ")");
            }

            @Override
            public void onUnexpected(final StateMachine machine, final long id, final long callId, final Enum<?> state,
                final String event, final long nowNs)
            {
                reported.add("unexpected " + machine + " " + id + " in " + state + ": " + event);
            }
        });
    }

    @Test
    void shouldRefuseAndCountAMoveThatSkipsTheExchange()
    {
        leg.offerAnswer(OfferAnswer.STABLE, 1, "a bug: no offer was made");
        assertEquals(OfferAnswer.NO_SESSION, leg.offerAnswer());
        assertEquals(List.of("refused OFFER_ANSWER 7: NO_SESSION -> STABLE (a bug: no offer was made)"), reported);
        assertEquals(1, harness.counters.get(EngineCounters.UNEXPECTED));
    }

    @Test
    void shouldMoveAndReportWhatTheMessagesCarry()
    {
        leg.sent(OfferAnswer.Carrier.INVITE, true, 1);
        leg.received(OfferAnswer.Carrier.SUCCESS, true, 2);
        assertEquals(OfferAnswer.STABLE, leg.offerAnswer());
        assertEquals(List.of(
            "move OFFER_ANSWER 7: NO_SESSION -> OFFER_SENT (offer in INVITE sent)",
            "move OFFER_ANSWER 7: OFFER_SENT -> STABLE (answer in 2xx received)"), reported);
        assertEquals(0, harness.counters.get(EngineCounters.UNEXPECTED));
    }

    @Test
    void shouldReportAnInputWithNoMoveAndStayWhereItWas()
    {
        leg.received(OfferAnswer.Carrier.ACK, true, 1);
        assertEquals(OfferAnswer.NO_SESSION, leg.offerAnswer());
        assertEquals(List.of("unexpected OFFER_ANSWER 7 in NO_SESSION: ACK with a body received"), reported);
        assertEquals(1, harness.counters.get(EngineCounters.UNEXPECTED));
    }

    @Test
    void shouldReturnAFailedOfferToTheStateBeforeIt()
    {
        leg.received(OfferAnswer.Carrier.INVITE, true, 1);
        leg.offerFailed(2, "INVITE cancelled");
        assertEquals(OfferAnswer.NO_SESSION, leg.offerAnswer());
        leg.offerFailed(3, "nothing open: no move");
        assertEquals(List.of(
            "move OFFER_ANSWER 7: NO_SESSION -> OFFER_RECEIVED (offer in INVITE received)",
            "move OFFER_ANSWER 7: OFFER_RECEIVED -> NO_SESSION (INVITE cancelled)"), reported);
    }
}
