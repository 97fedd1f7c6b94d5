package dev.referee.engine.transfer;

/** What kind of transfer a REFER asked for, as events, call records and the journal name it ({@link #wire()}). */
enum TransferKind
{
    /** Refer-To names a target to call (RFC 5589 §6). */
    BLIND("blind"),
    /** Refer-To carries Replaces for an answered consultation call (RFC 5589 §7). */
    ATTENDED("attended"),
    /** Replaces names a consultation call still ringing: the transfer takes it over when it answers. */
    BLONDE("blonde");

    private final String wire;

    TransferKind(final String wire)
    {
        this.wire = wire;
    }

    String wire()
    {
        return wire;
    }

    static TransferKind ofWire(final String wire)
    {
        for (final TransferKind kind : values())
        {
            if (kind.wire.equals(wire))
            {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown transfer kind " + wire);
    }
}
