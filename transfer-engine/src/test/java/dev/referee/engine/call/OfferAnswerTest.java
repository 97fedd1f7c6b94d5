package dev.referee.engine.call;

import dev.referee.engine.call.OfferAnswer.Carrier;
import org.junit.jupiter.api.Test;

import static dev.referee.engine.call.OfferAnswer.NO_SESSION;
import static dev.referee.engine.call.OfferAnswer.OFFER_RECEIVED;
import static dev.referee.engine.call.OfferAnswer.OFFER_SENT;
import static dev.referee.engine.call.OfferAnswer.STABLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The offer/answer machine of one leg: which messages move it where, and which it has no move for. */
class OfferAnswerTest
{
    @Test
    void shouldReachStableWhenTheOfferInAnInviteIsAnsweredInTheSuccess()
    {
        // Referee as UAS (the caller's leg): offer in, answer out; as UAC (the callee's leg): offer out, answer in.
        assertEquals(OFFER_RECEIVED, NO_SESSION.afterReceiving(Carrier.INVITE, true));
        assertEquals(STABLE, OFFER_RECEIVED.afterSending(Carrier.SUCCESS, true));
        assertEquals(OFFER_SENT, NO_SESSION.afterSending(Carrier.INVITE, true));
        assertEquals(STABLE, OFFER_SENT.afterReceiving(Carrier.SUCCESS, true));
        // An ACK without body then changes nothing.
        assertEquals(STABLE, STABLE.afterReceiving(Carrier.ACK, false));
        assertEquals(STABLE, STABLE.afterSending(Carrier.ACK, false));
    }

    @Test
    void shouldTakeTheOfferFromTheSuccessAndTheAnswerFromTheAckWhenTheInviteHadNoOffer()
    {
        // A transfer target called without offer, or a transferee re-INVITEd without one (RFC 3261 §13.2.1).
        assertEquals(NO_SESSION, NO_SESSION.afterSending(Carrier.INVITE, false));
        assertEquals(OFFER_RECEIVED, NO_SESSION.afterReceiving(Carrier.SUCCESS, true));
        assertEquals(STABLE, OFFER_RECEIVED.afterSending(Carrier.ACK, true));
        assertEquals(STABLE, STABLE.afterSending(Carrier.INVITE, false));
        assertEquals(OFFER_RECEIVED, STABLE.afterReceiving(Carrier.SUCCESS, true));
        // The same seen from the side that received the offerless re-INVITE.
        assertEquals(STABLE, STABLE.afterReceiving(Carrier.INVITE, false));
        assertEquals(OFFER_SENT, STABLE.afterSending(Carrier.SUCCESS, true));
        assertEquals(STABLE, OFFER_SENT.afterReceiving(Carrier.ACK, true));
    }

    @Test
    void shouldHaveNoMoveForASecondOfferWhileOneIsPending()
    {
        assertNull(OFFER_SENT.afterReceiving(Carrier.INVITE, true)); // glare
        assertNull(OFFER_RECEIVED.afterReceiving(Carrier.INVITE, true));
        assertNull(OFFER_RECEIVED.afterSending(Carrier.INVITE, true));
        assertNull(OFFER_RECEIVED.afterReceiving(Carrier.SUCCESS, true));
    }

    @Test
    void shouldHaveNoMoveForAnAnswerWithNoOfferPendingNorForAnAnswerLeftOut()
    {
        assertNull(STABLE.afterReceiving(Carrier.ACK, true));
        assertNull(NO_SESSION.afterReceiving(Carrier.ACK, true));
        assertNull(OFFER_SENT.afterReceiving(Carrier.ACK, false));
        assertNull(OFFER_SENT.afterReceiving(Carrier.SUCCESS, false));
        assertNull(NO_SESSION.afterReceiving(Carrier.SUCCESS, false)); // a 2xx to an INVITE without offer must offer
        assertNull(OFFER_RECEIVED.afterSending(Carrier.ACK, false));
    }

    @Test
    void shouldReturnToTheStateBeforeTheOfferWhenTheInviteFails()
    {
        assertEquals(NO_SESSION, OFFER_SENT.afterFailure(false));
        assertEquals(NO_SESSION, OFFER_RECEIVED.afterFailure(false));
        assertEquals(STABLE, OFFER_SENT.afterFailure(true));
        assertEquals(STABLE, OFFER_RECEIVED.afterFailure(true));
        assertEquals(NO_SESSION, NO_SESSION.afterFailure(false)); // an INVITE without offer failed: nothing was open
        assertEquals(STABLE, STABLE.afterFailure(true));
    }

    @Test
    void shouldOnlyEverAskForMovesTheMachineAllows()
    {
        for (final OfferAnswer state : OfferAnswer.values())
        {
            for (final Carrier carrier : Carrier.values())
            {
                for (final boolean body : new boolean[]{false, true})
                {
                    allowed(state, state.afterReceiving(carrier, body));
                    allowed(state, state.afterSending(carrier, body));
                }
            }
            allowed(state, state.afterFailure(false));
            allowed(state, state.afterFailure(true));
        }
    }

    @Test
    void shouldRefuseMovesThatSkipTheExchange()
    {
        assertFalse(NO_SESSION.canMoveTo(STABLE));
        assertFalse(OFFER_SENT.canMoveTo(OFFER_RECEIVED));
        assertFalse(OFFER_RECEIVED.canMoveTo(OFFER_SENT));
        assertTrue(STABLE.canMoveTo(OFFER_SENT));
    }

    @Test
    void shouldNameTheMoveByWhatTheMessageCarried()
    {
        assertEquals("offer in INVITE received", OfferAnswer.reason(true, Carrier.INVITE, OFFER_RECEIVED));
        assertEquals("answer in ACK sent", OfferAnswer.reason(false, Carrier.ACK, STABLE));
    }

    private static void allowed(final OfferAnswer from, final OfferAnswer to)
    {
        assertTrue(to == null || to == from || from.canMoveTo(to), from + " -> " + to);
    }
}
