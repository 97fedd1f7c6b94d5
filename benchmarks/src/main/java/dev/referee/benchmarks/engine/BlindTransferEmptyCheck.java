package dev.referee.benchmarks.engine;

/** The end-of-iteration check: every transfer must have ended, or the figures would measure a leak. */
final class BlindTransferEmptyCheck
{
    private BlindTransferEmptyCheck()
    {
    }

    static void check(final BlindTransferDriver driver)
    {
        if (driver.engine().activeCalls() != 0 || driver.engine().dialogs() != 0)
        {
            throw new IllegalStateException("after " + driver.transferNumber() + " transfers: calls=" +
                driver.engine().activeCalls() + " dialogs=" + driver.engine().dialogs());
        }
    }
}
