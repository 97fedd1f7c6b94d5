package dev.referee.ops.log;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.logging.ConsoleHandler;
import java.util.logging.FileHandler;
import java.util.logging.Handler;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * Sends every log line of the process (System.Logger and java.util.logging, which Referee's code and its libraries
 * use) to the place {@link LoggingConfig} names, one line per event ({@link OneLineFormatter}). Called once, before
 * the node starts.
 */
public final class Logging
{
    private Logging()
    {
    }

    public static void install(final LoggingConfig config) throws IOException
    {
        final Logger root = Logger.getLogger("");
        for (final Handler handler : root.getHandlers())
        {
            root.removeHandler(handler);
            handler.close();
        }
        final Handler handler = handler(config.file());
        handler.setFormatter(new OneLineFormatter());
        handler.setLevel(config.level().julLevel);
        root.addHandler(handler);
        root.setLevel(config.level().julLevel);
    }

    private static Handler handler(final String file) throws IOException
    {
        if (LoggingConfig.STDERR.equals(file))
        {
            return new ConsoleHandler(); // System.err
        }
        if (LoggingConfig.STDOUT.equals(file))
        {
            return new FlushingStreamHandler(System.out);
        }
        // Appended to, never rotated by Referee: logrotate (copytruncate) or the service manager rotates it.
        final FileHandler handler = new FileHandler(Path.of(file).toAbsolutePath().toString(), true);
        handler.setEncoding("UTF-8");
        return handler;
    }

    /** A stream handler that writes each line at once (StreamHandler buffers until closed). */
    private static final class FlushingStreamHandler extends StreamHandler
    {
        FlushingStreamHandler(final OutputStream out)
        {
            super(out, new OneLineFormatter());
        }

        @Override
        public synchronized void publish(final java.util.logging.LogRecord record)
        {
            super.publish(record);
            flush();
        }

        @Override
        public synchronized void close()
        {
            flush(); // never close System.out
        }
    }
}
