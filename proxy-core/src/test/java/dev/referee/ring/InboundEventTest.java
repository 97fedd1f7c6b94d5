package dev.referee.ring;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class InboundEventTest
{
    @Test
    void shouldGrowForALargeMessageAndGiveItBackForTheNextSmallOne()
    {
        final InboundEvent slot = new InboundEvent();
        assertEquals(InboundEvent.INITIAL_CAPACITY, slot.data.capacity());
        slot.ensureCapacity(40_000);
        assertEquals(40_000, slot.data.capacity(), "a 40 KB datagram fits");
        slot.ensureCapacity(30_000);
        assertEquals(40_000, slot.data.capacity(), "kept while messages stay large");
        slot.ensureCapacity(600);
        assertEquals(InboundEvent.INITIAL_CAPACITY, slot.data.capacity(),
            "a slot does not hold 40 KB for good after one large message");
    }

    @Test
    void shouldKeepAModestGrowthForTheNextLargeInvite()
    {
        final InboundEvent slot = new InboundEvent();
        slot.ensureCapacity(6_000);
        assertEquals(8_192, slot.data.capacity());
        slot.ensureCapacity(600);
        assertEquals(8_192, slot.data.capacity(), "up to 16 KiB is kept: large INVITEs recur");
    }

    @Test
    void shouldNeverGrowPastTheLargestMessage()
    {
        final OutboundEvent slot = new OutboundEvent();
        slot.ensureCapacity(40_000);
        slot.ensureCapacity(65_535);
        assertEquals(InboundEvent.MAX_MESSAGE_LENGTH, slot.data.capacity());
    }
}
