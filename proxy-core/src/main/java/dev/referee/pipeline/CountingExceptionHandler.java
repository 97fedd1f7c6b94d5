package dev.referee.pipeline;

import dev.referee.ring.Counter;

import com.lmax.disruptor.ExceptionHandler;

/**
 * Counts and logs an exception thrown by a stage and lets the stage go on with the next event. Disruptor's
 * default handler would end the stage's thread, and a dead stage stalls the whole ring.
 */
final class CountingExceptionHandler<T> implements ExceptionHandler<T>
{
    private static final System.Logger LOGGER = System.getLogger(CountingExceptionHandler.class.getName());

    private final String stage;
    private final Counter errors;

    CountingExceptionHandler(final String stage, final Counter errors)
    {
        this.stage = stage;
        this.errors = errors;
    }

    public void handleEventException(final Throwable ex, final long sequence, final T event)
    {
        errors.increment();
        LOGGER.log(System.Logger.Level.WARNING, stage + " stage failed on sequence " + sequence, ex);
    }

    public void handleOnStartException(final Throwable ex)
    {
        LOGGER.log(System.Logger.Level.ERROR, stage + " stage failed to start", ex);
    }

    public void handleOnShutdownException(final Throwable ex)
    {
        LOGGER.log(System.Logger.Level.WARNING, stage + " stage failed to shut down", ex);
    }
}
