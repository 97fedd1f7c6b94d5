package dev.referee.ops.node;

import dev.referee.engine.id.IdKey;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The warm-up's blind transfers go the whole way through the engine, and every call ends. */
class WarmUpTransfersTest
{
    @Test
    void shouldCompleteEveryScriptedTransferAndEndEveryCall()
    {
        final WarmUpTransfers transfers = new WarmUpTransfers(new IdKey(1, 2));

        final WarmUpTransfers.Result result = transfers.run(450, Long.MAX_VALUE);

        // Calls 0, 2, 4, ... are transferred; every fifth transfer (calls 0, 10, 20, ...) is refused by the target.
        assertEquals(new WarmUpTransfers.Result(450, 180, 45, 0), result);
    }
}
