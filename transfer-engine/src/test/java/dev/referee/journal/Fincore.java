package dev.referee.journal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How much of a file the page cache holds, as util-linux's {@code fincore} counts it. */
final class Fincore
{
    private Fincore()
    {
    }

    static long cachedBytes(final Path file) throws IOException, InterruptedException
    {
        final Process fincore = new ProcessBuilder("fincore", "--bytes", "--noheadings", "--output", "RES",
            file.toString()).redirectErrorStream(true).start();
        final String out = new String(fincore.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, fincore.waitFor(), out);
        return Long.parseLong(out.trim());
    }
}
