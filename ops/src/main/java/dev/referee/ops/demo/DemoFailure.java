package dev.referee.ops.demo;

/** A step of the demo did not happen as a phone expected: what was awaited, and what came instead. */
final class DemoFailure extends RuntimeException
{
    DemoFailure(final String message)
    {
        super(message);
    }
}
