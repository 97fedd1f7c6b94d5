package dev.referee.cdr;

import dev.referee.ring.MediaFigures;

/**
 * One engine event copied into a pooled, mutable slot so that it can cross from the engine thread to the writer
 * thread without allocating. Text arguments are copied into builders owned by the slot, because the engine's
 * {@link CharSequence}s are views that are only valid during the callback.
 */
final class CdrEvent
{
    static final int CALL_CREATED = 1;
    static final int LEG_RINGING = 2;
    static final int LEG_ANSWERED = 3;
    static final int REFER_RECEIVED = 4;
    static final int TRANSFER_REFUSED = 5;
    static final int TRANSFER_STARTED = 6;
    static final int TRANSFER_COMPLETED = 7;
    static final int TRANSFER_FAILED = 8;
    static final int CALL_ENDED = 9;
    /** A leg's media endpoint closes with its call: otherId the endpoint, status 1 for the caller leg, 0 the callee. */
    static final int MEDIA_CLOSING = 10;
    /** The relay's figures of a closed endpoint: otherId the endpoint, {@link #figures}. */
    static final int MEDIA_STATS = 11;

    static final int TEXT_FIELDS = 6;
    private static final int INITIAL_TEXT_CAPACITY = 128;

    int type;
    long nowNs;
    long callId;
    /** parentCallId for CALL_CREATED, transferId for the transfer events. */
    long otherId;
    /** newCallId for TRANSFER_COMPLETED. */
    long newCallId;
    int status;
    /** MEDIA_STATS: the endpoint's figures. */
    final MediaFigures figures = new MediaFigures();
    final StringBuilder[] text = new StringBuilder[TEXT_FIELDS];

    CdrEvent()
    {
        for (int i = 0; i < TEXT_FIELDS; i++)
        {
            text[i] = new StringBuilder(INITIAL_TEXT_CAPACITY);
        }
    }

    CdrEvent reset(final int type, final long nowNs, final long callId)
    {
        this.type = type;
        this.nowNs = nowNs;
        this.callId = callId;
        this.otherId = 0;
        this.newCallId = 0;
        this.status = 0;
        for (final StringBuilder builder : text)
        {
            builder.setLength(0);
        }
        return this;
    }

    /** Copies without allocating unless the text is longer than any seen before in this slot; null reads as "". */
    CdrEvent text(final int index, final CharSequence value)
    {
        if (null != value)
        {
            text[index].append(value);
        }
        return this;
    }

    String textAsString(final int index)
    {
        return text[index].toString();
    }
}
