package dev.referee.ops.log;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** logging.file and logging.level as the node applies them at start, through System.Logger as the code logs. */
class LoggingTest
{
    private Handler[] saved;
    private Level savedLevel;

    @BeforeEach
    void saveRoot()
    {
        saved = Logger.getLogger("").getHandlers();
        savedLevel = Logger.getLogger("").getLevel();
    }

    @AfterEach
    void restoreRoot()
    {
        final Logger root = Logger.getLogger("");
        for (final Handler handler : root.getHandlers())
        {
            root.removeHandler(handler);
            handler.close();
        }
        for (final Handler handler : saved)
        {
            root.addHandler(handler);
        }
        root.setLevel(savedLevel);
    }

    @Test
    void shouldWriteOneLinePerEventToTheFileAtTheLevelConfigured(@TempDir final Path dir) throws IOException
    {
        final Path file = dir.resolve("referee.log");
        Logging.install(new LoggingConfig(LogLevel.WARNING, file.toString()));
        final System.Logger logger = System.getLogger("dev.referee.transport.TcpTransport");
        logger.log(System.Logger.Level.INFO, "below the level: not written");
        logger.log(System.Logger.Level.WARNING, "closing connection 3", new IOException("Broken pipe"));
        for (final Handler handler : Logger.getLogger("").getHandlers())
        {
            handler.flush();
        }
        final List<String> lines = Files.readAllLines(file);
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).endsWith(" WARNING transport.TcpTransport closing connection 3: IOException Broken pipe"),
            lines.get(0));
    }
}
