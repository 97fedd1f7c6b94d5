package dev.referee.journal;

import dev.referee.engine.events.EngineEvents;
import dev.referee.engine.events.EngineEventsFanOut;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.reflect.Method;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The classes that pass domain events on must pass every one: EngineEvents' methods have empty defaults, so a
 * forwarder that misses a new event drops it without a word (RecoveryGate once dropped leg-added, and with it every
 * transfer target's messages from the journal views of a running node).
 */
class EventForwardersTest
{
    @ParameterizedTest
    @ValueSource(classes = { RecoveryGate.class, EngineEventsFanOut.class, JournalEvents.class })
    void shouldOverrideEveryEvent(final Class<?> forwarder) throws NoSuchMethodException
    {
        for (final Method event : EngineEvents.class.getDeclaredMethods())
        {
            if (event.isDefault())
            {
                assertEquals(forwarder, forwarder.getMethod(event.getName(), event.getParameterTypes())
                    .getDeclaringClass(), forwarder.getSimpleName() + " does not pass on " + event.getName());
            }
        }
    }
}
