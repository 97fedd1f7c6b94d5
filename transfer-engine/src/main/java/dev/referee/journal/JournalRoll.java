package dev.referee.journal;

/** How often the journal starts a new file (Chronicle roll cycle). */
public enum JournalRoll
{
    MINUTELY,
    HOURLY,
    DAILY
}
