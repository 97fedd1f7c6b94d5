package dev.referee.journal;

/**
 * {@code journal.outputs}: what the journal keeps of each message Referee sends. Inputs are always kept whole: they
 * are what recovery and replay run on; an output is their consequence, which replay rebuilds.
 */
public enum OutputRecords
{
    /**
     * Every byte (output-sip records), the default: the journal alone shows each message, no replay needed, even once
     * `journal.retain` deleted its first cycles.
     */
    FULL,
    /**
     * First line, Call-ID, length and hash (output-digest records, about 100 bytes for a 450-byte message): `journal
     * show`, `ladder`, `tail` and `calls` read them as they are, `journal replay` checks every rebuilt message against
     * its hash, and `journal pcap` rebuilds the messages by replaying the journal from its node-start. A third less of
     * the journal's bytes at 3,000 calls/s.
     */
    DIGEST
}
