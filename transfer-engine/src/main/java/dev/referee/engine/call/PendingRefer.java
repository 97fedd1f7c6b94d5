package dev.referee.engine.call;

/** A REFER waiting for its transfer webhook (the transfer package holds it): a second REFER meanwhile gets 491. */
public interface PendingRefer
{
}
