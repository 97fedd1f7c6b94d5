package dev.referee.engine.call;

/**
 * What a call knows of a transfer Referee performs for it (the transfer package implements it): whether it is under
 * way, and who takes part, so that the B2BUA can hand it a BYE of the transferor or the transferee, and a blonde
 * target's answers. Engine thread only.
 */
public interface CallTransfer
{
    /** The transfer still works toward its outcome (the target is being called, or joined). */
    boolean isActive();

    /** The leg whose REFER asked for the transfer. */
    Leg transferor();

    /** The leg being transferred. */
    Leg transferee();

    /** Attended and blonde: the transfer is under way and its Replaces names a dialog of {@code call}. */
    boolean replacesDialogIn(Call call);

    // ---- for CallStateDescriber ----

    long id();

    /** The kind as events and the journal name it: blind, attended or blonde. */
    String kindName();

    /** The transfer's state (an enum of the transfer package). */
    Enum<?> state();

    /** The leg being called or joined; null before there is one. */
    Leg target();

    /**
     * {@link #lastNotified()} once the transferor ended the subscription itself (SUBSCRIBE with Expires: 0): no status
     * is reported any more. Above every status, so that the notifier's "final status sent" test covers it.
     */
    int UNSUBSCRIBED = 1000;

    /** The last status reported to the transferor in a NOTIFY; 0 for none, {@link #UNSUBSCRIBED} once it unsubscribed. */
    int lastNotified();
}
