package dev.referee.pipeline;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.LiteBlockingWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.TimeoutBlockingWaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WaitStrategiesTest
{
    @Test
    void shouldMapEveryKnownName()
    {
        assertInstanceOf(BlockingWaitStrategy.class, WaitStrategies.of("blocking"));
        assertInstanceOf(BlockingWaitStrategy.class, WaitStrategies.of(null));
        assertInstanceOf(BlockingWaitStrategy.class, WaitStrategies.of(" Blocking "));
        assertInstanceOf(SleepingWaitStrategy.class, WaitStrategies.of("sleeping"));
        assertInstanceOf(YieldingWaitStrategy.class, WaitStrategies.of("yielding"));
        assertInstanceOf(BusySpinWaitStrategy.class, WaitStrategies.of("busy-spin"));
        assertInstanceOf(LiteBlockingWaitStrategy.class, WaitStrategies.of("lite-blocking"));
        assertInstanceOf(TimeoutBlockingWaitStrategy.class, WaitStrategies.of("timeout-blocking"));
    }

    @Test
    void shouldRejectUnknownNameNamingIt()
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> WaitStrategies.of("spinny"));
        assertTrue(ex.getMessage().contains("\"spinny\""), ex.getMessage());
    }

    @Test
    void shouldRejectUnknownNameWhenPipelineIsBuilt()
    {
        final var config = new dev.referee.pipeline.PipelineConfig(8, 8, "nope", 10);
        assertThrows(IllegalArgumentException.class, () -> new SipPipeline(config, java.util.List.of(), "x"));
    }
}
