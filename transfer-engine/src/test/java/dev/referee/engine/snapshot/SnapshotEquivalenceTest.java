package dev.referee.engine.snapshot;

import dev.referee.engine.EngineSnapshot;

import dev.referee.engine.EngineHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The proof that a restored engine is indistinguishable from the original. Every flow of the engine's own tests
 * (calls ringing and established over UDP and TCP, 2xx retransmitted until ACK, re-INVITE, CANCEL, blind, attended
 * and blonde transfers, webhooks pending and timing out, redirects, pickups, transaction timers) is run again from
 * its recorded inputs: engine A takes inputs 1..k, is snapshotted, B is restored from the snapshot, then both take
 * k+1..N and must give byte-identical outputs, domain events and webhook posts, the same gauges, the same
 * offer/answer state on every leg (derived at restore: the snapshot does not hold it) and the same final snapshot.
 * Restoring and snapshotting again must give the same bytes.
 */
class SnapshotEquivalenceTest
{
    /** The engine test classes whose flows are replayed. */
    private static final List<String> FLOWS = List.of(
        "BasicCallFlowTest", "BlindTransferTest", "AttendedTransferTest", "TransferWebhookTest",
        "TransactionTimersTest", "RedirectAndTcpTest", "RedirectFollowingAndPickupTest", "InDialogRelayTest",
        "DomainEventsTest", "RequestValidationTest", "OfferAnswerFlowTest", "SdpOriginFlowTest",
        "TrunkAuthTest", "MaxForwardsTest", "ReferSubscriptionTest", "ForkingTest", "SessionTimersTest",
        "ReliableProvisionalsTest");
    /** Snapshot points per flow: every input that is a message or a webhook answer, and this many among ticks. */
    private static final int TICK_POINTS = 12;

    @TestFactory
    Stream<DynamicTest> shouldContinueExactlyAfterRestoreAtAnyInput() throws Exception
    {
        final List<DynamicTest> tests = new ArrayList<>();
        for (final String name : FLOWS)
        {
            final Class<?> type = Class.forName("dev.referee.engine." + name);
            final Method[] methods = type.getDeclaredMethods();
            Arrays.sort(methods, Comparator.comparing(Method::getName));
            for (final Method method : methods)
            {
                if (method.isAnnotationPresent(Test.class) && method.getParameterCount() == 0)
                {
                    tests.add(DynamicTest.dynamicTest(name + "." + method.getName(), () -> checkFlow(type, method)));
                }
            }
        }
        return tests.stream();
    }

    private static void checkFlow(final Class<?> type, final Method method) throws Exception
    {
        final List<EngineHarness> harnesses = EngineHarness.captureCreated();
        try
        {
            run(type, method);
        }
        finally
        {
            EngineHarness.stopCapturing();
        }
        assertTrue(!harnesses.isEmpty(), "the flow made no engine");
        for (final EngineHarness harness : harnesses)
        {
            for (final int k : snapshotPoints(harness.inputs))
            {
                checkRestoreAt(harness, k);
            }
        }
    }

    /** Runs one test method as JUnit would (its before-each methods first); its own assertions still apply. */
    private static void run(final Class<?> type, final Method method) throws Exception
    {
        final Constructor<?> constructor = type.getDeclaredConstructor();
        constructor.setAccessible(true);
        final Object instance = constructor.newInstance();
        try
        {
            for (final Method before : type.getDeclaredMethods())
            {
                if (before.isAnnotationPresent(BeforeEach.class))
                {
                    before.setAccessible(true);
                    before.invoke(instance);
                }
            }
            method.setAccessible(true);
            method.invoke(instance);
            for (final Method after : type.getDeclaredMethods())
            {
                if (after.isAnnotationPresent(AfterEach.class))
                {
                    after.setAccessible(true);
                    after.invoke(instance);
                }
            }
        }
        catch (final InvocationTargetException ex)
        {
            throw new AssertionError("the flow itself failed", ex.getCause());
        }
    }

    private static TreeSet<Integer> snapshotPoints(final List<EngineHarness.Input> inputs)
    {
        final TreeSet<Integer> points = new TreeSet<>();
        points.add(0);
        points.add(inputs.size());
        for (int i = 0; i < inputs.size(); i++)
        {
            if (inputs.get(i).type() != EngineHarness.Input.TICK)
            {
                points.add(i + 1);
            }
        }
        for (int i = 1; i <= TICK_POINTS; i++)
        {
            points.add((int)((long)inputs.size() * i / (TICK_POINTS + 1)));
        }
        return points;
    }

    private static void checkRestoreAt(final EngineHarness harness, final int k)
    {
        final List<EngineHarness.Input> inputs = harness.inputs;
        final EngineCopy a = new EngineCopy(harness.config);
        for (int i = 0; i < k; i++)
        {
            inputs.get(i).applyTo(a.engine);
        }
        final byte[] snapshot = EngineSnapshot.take(a.engine);
        final EngineCopy b = new EngineCopy(harness.config);
        EngineSnapshot.restore(b.engine, snapshot);
        final String where = "restored after input " + k + " of " + inputs.size();
        assertArrayEquals(snapshot, EngineSnapshot.take(b.engine), "snapshot of the restored engine, " + where);
        assertEquals(a.gauges(), b.gauges(), where);
        assertEquals(a.offerAnswer(), b.offerAnswer(), "offer/answer states derived at restore, " + where);
        a.takeOutputs();
        a.takeEvents();
        a.takeWebhooks();
        for (int i = k; i < inputs.size(); i++)
        {
            inputs.get(i).applyTo(a.engine);
            inputs.get(i).applyTo(b.engine);
            final String at = where + ", at input " + (i + 1);
            assertSame(a.takeOutputs(), b.takeOutputs(), "outputs " + at);
            assertSame(a.takeEvents(), b.takeEvents(), "events " + at);
            assertEquals(a.takeWebhooks(), b.takeWebhooks(), "webhook posts " + at);
            assertEquals(a.gauges(), b.gauges(), "gauges " + at);
            assertEquals(a.offerAnswer(), b.offerAnswer(), "offer/answer states " + at);
        }
        assertArrayEquals(EngineSnapshot.take(a.engine), EngineSnapshot.take(b.engine), "final state, " + where);
    }

    private static void assertSame(final List<byte[]> expected, final List<byte[]> actual, final String what)
    {
        assertEquals(expected.size(), actual.size(), what);
        for (int i = 0; i < expected.size(); i++)
        {
            assertArrayEquals(expected.get(i), actual.get(i), what + " #" + i);
        }
    }
}
