package dev.referee.engine.auth;

import dev.referee.engine.id.IdKey;
import dev.referee.engine.snapshot.SnapshotReader;
import dev.referee.engine.snapshot.SnapshotWriter;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Nonces: made only with the key, expire after their lifetime, answered once, and the record of answers is bounded. */
class NoncesTest
{
    private static final IdKey KEY = new IdKey(0x0706050403020100L, 0x0f0e0d0c0b0a0908L);
    private static final long T0 = 5_000_000_000L;

    @Test
    void shouldAcceptAFreshNonceOnceThenCallItUsed()
    {
        final Nonces nonces = new Nonces(KEY, 4);
        final String nonce = nonces.issue(T0);
        assertEquals(Nonces.Check.FRESH, nonces.check(nonce, T0 + 1));
        assertTrue(nonces.consume(T0 + 1));
        assertEquals(Nonces.Check.USED, nonces.check(nonce, T0 + 2), "a replay is refused");
        assertNotEquals(nonce, nonces.issue(T0), "two nonces issued at the same time differ");
    }

    @Test
    void shouldExpireANonceAfterItsLifetime()
    {
        final Nonces nonces = new Nonces(KEY, 4);
        final String nonce = nonces.issue(T0);
        assertEquals(Nonces.Check.FRESH, nonces.check(nonce, T0 + Nonces.LIFETIME_NS - 1));
        assertEquals(Nonces.Check.EXPIRED, nonces.check(nonce, T0 + Nonces.LIFETIME_NS));
        assertEquals(Nonces.Check.EXPIRED, nonces.check(nonce, T0 - 1), "issued in the future: not ours to trust");
    }

    @Test
    void shouldCallANonceOfAnotherKeyOrAlteredForged()
    {
        final String nonce = new Nonces(KEY, 4).issue(T0);
        assertEquals(Nonces.Check.FORGED, new Nonces(new IdKey(1, 2), 4).check(nonce, T0));
        final Nonces nonces = new Nonces(KEY, 4);
        // A later issue time in the first field would extend the nonce's life if it were not covered by the MAC.
        final String later = "1" + nonce.substring(1);
        assertEquals(Nonces.Check.FORGED, nonces.check(later, T0));
        assertEquals(Nonces.Check.FORGED, nonces.check(nonce.toUpperCase(), T0));
        assertEquals(Nonces.Check.FORGED, nonces.check("abc", T0));
        assertEquals(Nonces.Check.FORGED, nonces.check(null, T0));
    }

    @Test
    void shouldRefuseToRecordPastItsBoundUntilTheOldestExpire()
    {
        final Nonces nonces = new Nonces(KEY, 2);
        for (int i = 0; i < 2; i++)
        {
            assertEquals(Nonces.Check.FRESH, nonces.check(nonces.issue(T0), T0));
            assertTrue(nonces.consume(T0));
        }
        final String third = nonces.issue(T0 + 1);
        assertEquals(Nonces.Check.FRESH, nonces.check(third, T0 + 1));
        assertFalse(nonces.consume(T0 + 1), "full: refused rather than grown or an answer forgotten early");
        assertEquals(2, nonces.usedCount());

        final long later = T0 + Nonces.LIFETIME_NS;
        final String fourth = nonces.issue(later);
        assertEquals(Nonces.Check.FRESH, nonces.check(fourth, later));
        assertTrue(nonces.consume(later), "the first two expired: their room is free");
        assertEquals(1, nonces.usedCount());
    }

    @Test
    void shouldCarryCounterAndAnswersThroughASnapshot()
    {
        final Nonces nonces = new Nonces(KEY, 4);
        final String used = nonces.issue(T0);
        nonces.check(used, T0);
        nonces.consume(T0);
        final SnapshotWriter out = new SnapshotWriter();
        nonces.write(out);

        final Nonces restored = new Nonces(KEY, 4);
        restored.read(new SnapshotReader(out.toByteArray()));
        assertEquals(Nonces.Check.USED, restored.check(used, T0 + 1));
        assertEquals(nonces.issue(T0 + 2), restored.issue(T0 + 2), "the same next nonce");
    }
}
