package dev.referee.ring;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FixedHistogramTest
{
    @Test
    void shouldCountEachValueInTheFirstBucketWhoseBoundHoldsIt()
    {
        final FixedHistogram histogram = new FixedHistogram(10, 100, 1_000);

        histogram.record(10);     // a bound is inclusive
        histogram.record(11);
        histogram.record(100);
        histogram.record(5_000);  // above every bound
        histogram.record(-3);     // a clock step back counts as no wait

        assertEquals(3, histogram.bounds());
        assertEquals(2, histogram.count(0));
        assertEquals(2, histogram.count(1));
        assertEquals(0, histogram.count(2));
        assertEquals(1, histogram.count(3));
        assertEquals(5, histogram.count());
        assertEquals(10 + 11 + 100 + 5_000, histogram.sum());
    }

    @Test
    void shouldRefuseBoundsThatAreNotAscending()
    {
        assertThrows(IllegalArgumentException.class, () -> new FixedHistogram(10, 10));
        assertThrows(IllegalArgumentException.class, () -> new FixedHistogram());
    }
}
