package dev.referee.ops.interop;

/** SIPp transport modes used by the interop tests: one socket each (-t u1 / -t t1). */
enum SippTransport
{
    /** UDP, one socket for all calls. */
    UDP("u1"),
    /** TCP, one connection for all calls. */
    TCP("t1");

    private final String sippMode;

    SippTransport(final String sippMode)
    {
        this.sippMode = sippMode;
    }

    String sippMode()
    {
        return sippMode;
    }
}
