package dev.referee.ops.node;

import dev.referee.ops.config.ConfigLoader;
import dev.referee.ops.config.RefereeConfig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The warm-up runs real calls through a throwaway node and leaves nothing of it behind. */
class WarmUpTest
{
    @Test
    void shouldCompleteRealCallsThroughAThrowawayNodeAndRemoveItsFiles(@TempDir final Path temp) throws Exception
    {
        final RefereeConfig config = ConfigLoader.parse(
            "listen: [\"udp:127.0.0.1:5060\"]\nwarm-up:\n  calls: 300\n  max-time: 20s\n", "test.yaml");

        final WarmUp.Result result = WarmUp.run(config, temp);

        assertTrue(result.answered() >= 300, result::toString);
        assertTrue(result.answered() <= result.calls(), result::toString);
        try (Stream<Path> left = Files.list(temp))
        {
            assertEquals(0, left.count(), "the warm-up journal and call records are deleted");
        }
    }

    @Test
    void shouldDoNothingWhenDisabled(@TempDir final Path temp) throws Exception
    {
        final RefereeConfig config = ConfigLoader.parse("warm-up:\n  calls: 0\n", "test.yaml");

        assertNull(WarmUp.run(config, temp));
        try (Stream<Path> left = Files.list(temp))
        {
            assertEquals(0, left.count());
        }
    }
}
