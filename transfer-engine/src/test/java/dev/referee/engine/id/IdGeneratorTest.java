package dev.referee.engine.id;

import dev.referee.config.ListenAddress;
import dev.referee.engine.EngineHarness;
import dev.referee.engine.config.EngineConfig;
import dev.referee.engine.config.RedirectConfig;
import dev.referee.engine.config.TransferConfig;
import dev.referee.engine.config.WebhookConfig;
import dev.referee.transport.Transport;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tags, branches and Call-IDs: how much key stream each carries, that the same key and counter give the same ones
 * (what replay relies on), that another key gives unrelated ones, and that consecutive ones share no structure. The
 * keys are fixed, so every check here is deterministic: nothing can pass or fail by chance from one run to the next.
 */
class IdGeneratorTest
{
    /** Digits of pi: a key with nothing up its sleeve. */
    private static final IdKey KEY = new IdKey(0x243f6a8885a308d3L, 0x13198a2e03707344L);
    private static final Pattern TAG = Pattern.compile("[0-9a-f]{1,15}-[0-9a-f]{16}");
    private static final Pattern BRANCH = Pattern.compile("z9hG4bK[0-9a-f]{1,15}-[0-9a-f]{16}");
    private static final Pattern CALL_ID = Pattern.compile("[0-9a-f]{32}@referee");

    @Test
    void shouldPutOneWholePrfBlockInEveryTagAndBranchAndTwoInEveryCallId()
    {
        final IdGenerator ids = IdGenerator.keyed(KEY);
        final SipHash24 prf = new SipHash24(KEY.k0(), KEY.k1());
        long counter = 0;
        for (int i = 0; i < 200; i++)
        {
            final String tag = ids.tag(i);
            assertTrue(TAG.matcher(tag).matches(), tag);
            assertEquals(hex(prf.hash(counter++)), afterDash(tag), "64 bits of key stream, all of them");
            assertEquals(i, IdGenerator.idOf(tag, 0));

            final String branch = ids.branch(100_000 + i);
            assertTrue(BRANCH.matcher(branch).matches(), branch);
            assertEquals(hex(prf.hash(counter++)), afterDash(branch));
            assertEquals(100_000 + i, IdGenerator.idOf(branch, IdGenerator.BRANCH_COOKIE.length()));

            final String callId = ids.callId();
            assertTrue(CALL_ID.matcher(callId).matches(), callId);
            assertEquals(hex(prf.hash(counter++)) + hex(prf.hash(counter++)) + "@referee", callId, "128 bits");
        }
        assertEquals(counter, ids.state(), "the state is the counter: one block per tag or branch, two per Call-ID");
    }

    @Test
    void shouldMakeTheSameIdentifiersFromTheSameKey()
    {
        final IdKey sameKey = new IdKey(KEY.k0(), KEY.k1());
        assertEquals(mixedIds(IdGenerator.keyed(KEY), 300), mixedIds(IdGenerator.keyed(sameKey), 300));
    }

    @Test
    void shouldContinueTheSequenceFromARestoredState()
    {
        final IdGenerator original = IdGenerator.keyed(KEY);
        mixedIds(original, 17);
        final IdGenerator restored = IdGenerator.keyed(KEY);
        restored.state(original.state());
        assertEquals(mixedIds(original, 50), mixedIds(restored, 50));
    }

    @Test
    void shouldMakeUnrelatedIdentifiersFromAKeyOneBitAway()
    {
        final IdGenerator a = IdGenerator.keyed(KEY);
        final IdGenerator b = IdGenerator.keyed(new IdKey(KEY.k0(), KEY.k1() ^ 1));
        long differingBits = 0;
        final int count = 2_000;
        for (int i = 0; i < count; i++)
        {
            final String tagA = a.tag(7);
            final String tagB = b.tag(7);
            assertNotEquals(tagA, tagB);
            differingBits += Long.bitCount(Long.parseUnsignedLong(afterDash(tagA), 16) ^
                Long.parseUnsignedLong(afterDash(tagB), 16));
        }
        // About half the bits differ, as between two independent random streams (32 expected, sd 0.09 here).
        final double mean = (double)differingBits / count;
        assertTrue(mean > 31.5 && mean < 32.5, "mean bits differing: " + mean);
    }

    @Test
    void shouldShowNoStructureBetweenIdentifiersOfConsecutiveCounters()
    {
        final IdGenerator ids = IdGenerator.keyed(KEY);
        final int count = 4_096;
        final List<String> random = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            random.add(afterDash(ids.tag(1)));
        }
        assertEquals(count, new HashSet<>(random).size(), "no repeats");

        final int[] ones = new int[64];
        long differingBits = 0;
        int longestSharedPrefix = 0;
        int longestSharedSuffix = 0;
        for (int i = 0; i < count; i++)
        {
            final long value = Long.parseUnsignedLong(random.get(i), 16);
            for (int bit = 0; bit < 64; bit++)
            {
                ones[bit] += (int)((value >>> bit) & 1);
            }
            if (i > 0)
            {
                final String previous = random.get(i - 1);
                differingBits += Long.bitCount(value ^ Long.parseUnsignedLong(previous, 16));
                longestSharedPrefix = Math.max(longestSharedPrefix, sharedPrefix(previous, random.get(i)));
                longestSharedSuffix = Math.max(longestSharedSuffix, sharedSuffix(previous, random.get(i)));
            }
        }
        // Two random hex strings share k leading (or trailing) digits with probability 16^-k: over 4,095 pairs the
        // longest run is about 3, and 7 or more would happen by chance once in about 65,000 such runs.
        assertTrue(longestSharedPrefix <= 6, "shared prefix of " + longestSharedPrefix + " digits");
        assertTrue(longestSharedSuffix <= 6, "shared suffix of " + longestSharedSuffix + " digits");
        // A counter's carries would show as a few bits flipping between neighbours: here about half of them do.
        final double meanFlips = (double)differingBits / (count - 1);
        assertTrue(meanFlips > 31.5 && meanFlips < 32.5, "mean bits flipped between neighbours: " + meanFlips);
        // Every bit position is set about half the time (2,048, sd 32; 5 sd allowed).
        for (int bit = 0; bit < 64; bit++)
        {
            assertTrue(Math.abs(ones[bit] - count / 2) < 160, "bit " + bit + " set " + ones[bit] + " times");
        }
    }

    @Test
    void shouldKeepTheVersion1LayoutAndValuesForSeededGenerators()
    {
        // Values of the generator that wrote format version 1 journals (before the keyed one), seed 2026.
        final IdGenerator ids = IdGenerator.seeded(2026);
        assertEquals("1-91948d23", ids.tag(1));
        assertEquals("z9hG4bK5-ed35455d", ids.branch(5));
        assertEquals("aad71e75cde2b88ed5a104f2@referee", ids.callId());
        assertEquals("2a-0798ff49", ids.tag(0x2a));
        assertEquals(1663341875487339603L, ids.state());
    }

    @Test
    void shouldChooseTheGeneratorByTheConfiguration()
    {
        final IdGenerator keyed = IdGenerator.of(new EngineHarness().config.idKey(), 0);
        assertTrue(CALL_ID.matcher(keyed.callId()).matches());
        final EngineConfig keyless = new EngineConfig(List.of(new ListenAddress(Transport.UDP, EngineHarness.REFEREE)),
            List.of(), 1, 2, 3, 10, "Referee", 2026, null, TransferConfig.defaults(),
            RedirectConfig.defaults(), List.of(), WebhookConfig.defaults());
        assertEquals("1-91948d23", IdGenerator.of(keyless.idKey(), keyless.seed()).tag(1), "no key: a version 1 journal's seed");
    }

    /**
     * Why format version 1 had to go: SplitMix64's output function is a bijection, so the first 16 hex digits of a
     * Call-ID give back the generator's state, and from it every identifier that follows.
     */
    @Test
    void aVersion1CallIdGivesAwayEveryLaterIdentifier()
    {
        final IdGenerator ids = IdGenerator.seeded(0x5eed_1234_abcdL);
        final String callId = ids.callId();
        final long firstBlock = Long.parseUnsignedLong(callId.substring(0, 16), 16);
        final long state = unmixSplitMix(firstBlock);
        assertEquals(firstBlock, mixSplitMix(state));
        final long predictedTail = mixSplitMix(state + 2 * 0x9E3779B97F4A7C15L) & 0xFFFF_FFFFL;
        assertEquals(String.format("7-%08x", predictedTail), ids.tag(7), "the next tag, predicted");
    }

    @Test
    void shouldNeverPrintTheKey()
    {
        final IdKey key = new IdKey(0x1122334455667788L, 0x99aabbccddeeff00L);
        final EngineConfig config = new EngineConfig(new EngineHarness().config.listen(), List.of(), 1, 2, 3, 10,
            "Referee", key);
        for (final String text : new String[]{key.toString(), config.toString()})
        {
            assertFalse(text.contains("1122334455667788") || text.contains(Long.toString(key.k0())) ||
                text.contains(Long.toString(key.k1())), text);
        }
    }

    private static List<String> mixedIds(final IdGenerator ids, final int count)
    {
        final List<String> made = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            made.add(switch (i % 3)
            {
                case 0 -> ids.tag(i);
                case 1 -> ids.branch(i);
                default -> ids.callId();
            });
        }
        return made;
    }

    private static String hex(final long value)
    {
        return String.format("%016x", value);
    }

    private static String afterDash(final String id)
    {
        return id.substring(id.indexOf('-') + 1);
    }

    private static int sharedPrefix(final String a, final String b)
    {
        int n = 0;
        while (n < a.length() && n < b.length() && a.charAt(n) == b.charAt(n))
        {
            n++;
        }
        return n;
    }

    private static int sharedSuffix(final String a, final String b)
    {
        int n = 0;
        while (n < a.length() && n < b.length() && a.charAt(a.length() - 1 - n) == b.charAt(b.length() - 1 - n))
        {
            n++;
        }
        return n;
    }

    private static long mixSplitMix(final long state)
    {
        long z = state;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static long unmixSplitMix(final long output)
    {
        long z = unXorShift(output, 31);
        z *= inverse(0x94D049BB133111EBL);
        z = unXorShift(z, 27);
        z *= inverse(0xBF58476D1CE4E5B9L);
        return unXorShift(z, 30);
    }

    /** The x with {@code x ^ (x >>> shift) == y}: each pass fixes {@code shift} more of the top bits. */
    private static long unXorShift(final long y, final int shift)
    {
        long x = y;
        for (int i = 0; i <= 64 / shift; i++)
        {
            x = y ^ (x >>> shift);
        }
        return x;
    }

    /** The inverse of an odd number modulo 2^64 (Newton: each step doubles the correct low bits, 3 at the start). */
    private static long inverse(final long odd)
    {
        long x = odd;
        for (int i = 0; i < 5; i++)
        {
            x *= 2 - odd * x;
        }
        return x;
    }

    @Test
    void shouldDeriveTheSameSdpSessionIdForALegWithoutMovingTheStream()
    {
        final IdGenerator ids = IdGenerator.keyed(KEY);
        final long first = ids.sdpSessionId(7);
        final long state = ids.state();
        assertEquals(first, ids.sdpSessionId(7), "the same leg, the same session (RFC 3264 §8)");
        assertEquals(state, ids.state(), "derived, not drawn: snapshots need not hold it");
        assertEquals(first, IdGenerator.keyed(KEY).sdpSessionId(7), "replay and restore derive it again");
        assertNotEquals(first, ids.sdpSessionId(8));
        assertNotEquals(first, IdGenerator.keyed(new IdKey(1, 2)).sdpSessionId(7), "keyed: another node, another id");
        final SipHash24 prf = new SipHash24(KEY.k0(), KEY.k1());
        assertEquals(prf.hash((1L << 62) | 7) >>> 1, first, "one PRF block where the counter never goes");
        assertTrue(first >= 0, "63 bits: fits a signed 64-bit parser");
    }
}
