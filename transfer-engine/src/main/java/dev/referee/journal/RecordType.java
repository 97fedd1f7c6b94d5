package dev.referee.journal;

import dev.referee.engine.config.EngineConfig;

/**
 * Record types of journal format version {@link RecordType#FORMAT_VERSION}; the layout of each is in
 * docs/journal-format.md. Codes are stable: a new record type gets a new code, a code is never reused.
 */
public final class RecordType
{
    /**
     * Version of the whole format, written in the node-start record. 2: identifiers come from a keyed PRF whose key
     * is in node-start (1: from a seed, predictable; such journals still read and replay with the old generator).
     */
    public static final int FORMAT_VERSION = 2;
    /** Layout version written after each record's type byte; fields added later go after the known ones. */
    public static final int RECORD_VERSION = 1;
    /**
     * Layout version of node-start, which is also the wire behaviour its journal replays with (EngineConfig.behaviour):
     * 10 has the layout of 9 and schedules retransmissions from the deadline of the timer before
     * (EngineConfig.retransmitsFromDeadline);
     * 5 appends each route's targets and keepalive; its behaviour: RFC 6026 transactions, forked 2xx released, merged
     * requests 482, a join answered 491 retried, the target asserted to a trusted transferee (EngineConfig's
     * behaviour methods);
     * 4 has the layout of 3 and carries Max-Forwards into the INVITEs Referee originates; 3 appends route names, each trunk's call and header policy, sip.max-transactions
     * and each trunk's auth (HA1 values) after the key;
     * 2 appends the identifier key (format version 2); 1 has none.
     */
    public static final int NODE_START_RECORD_VERSION = EngineConfig.BEHAVIOUR;

    public static final int UNKNOWN = 0;
    public static final int NODE_START = 1;
    public static final int INPUT_SIP = 2;
    public static final int INPUT_TICK = 3;
    public static final int OUTPUT_SIP = 4;
    public static final int RECOVERED = 5;
    public static final int INPUT_WEBHOOK = 6;
    /** One part of an engine snapshot (dev.referee.engine.snapshot), written between two inputs. */
    public static final int SNAPSHOT = 7;
    /**
     * A configuration, written by a reload or before a snapshot (builds of 2026-12 on; older tools show it as unknown):
     * see
     * {@link #CONFIG_RELOAD} and {@link #CONFIG_IN_FORCE}.
     */
    public static final int CONFIG = 8;
    /**
     * A connection Referee opened failed (builds of 2026-12-04 on): the requests sent on it fail as if answered 503
     * (RFC 3261 §8.1.3.1).
     */
    public static final int INPUT_TRANSPORT_FAILURE = 9;
    /**
     * The media relay found a linked pair silent for its timeout (node-start version 7 on, media anchored): the
     * engine ends the call, cause media-timeout.
     */
    public static final int INPUT_MEDIA_IDLE = 10;
    /**
     * The media relay closed an endpoint and reported what it received over its life (node-start version 8 on, media
     * anchored): the engine hands the figures to the call records.
     */
    public static final int INPUT_MEDIA_STATS = 11;
    /**
     * The media relay could not open an endpoint (node-start version 8 on, media anchored): the engine fails the call
     * of its leg, and takes a port another process holds out of the pool.
     */
    public static final int INPUT_MEDIA_OPEN_FAILED = 12;
    /**
     * A message Referee sent, kept as its first line, Call-ID, length and hash instead of its bytes
     * ({@code journal.outputs: digest}, builds of 2026-12-07 on; {@link OutputDigest}): a replay rebuilds the
     * message and checks it against the hash. Older tools show it as unknown.
     */
    public static final int OUTPUT_DIGEST = 13;

    /** Purpose of a config record: a reload, an input the engine applies (replayed like any input). */
    public static final int CONFIG_RELOAD = 1;
    /**
     * Purpose of a config record: the configuration in force when the snapshot written next was taken, so that
     * recovery from that snapshot builds its engine with it; replay passes over it (the reloads before it did that).
     */
    public static final int CONFIG_IN_FORCE = 2;

    public static final int CALL_CREATED = 16;
    public static final int LEG_RINGING = 17;
    public static final int LEG_ANSWERED = 18;
    public static final int REFER_RECEIVED = 19;
    public static final int TRANSFER_REFUSED = 20;
    public static final int TRANSFER_STARTED = 21;
    public static final int TRANSFER_TARGET_RINGING = 22;
    public static final int TRANSFER_COMPLETED = 23;
    public static final int TRANSFER_FAILED = 24;
    public static final int CALL_ENDED = 25;
    /** Journals of node-start version 4 on. */
    public static final int LEG_ADDED = 26;

    private RecordType()
    {
    }

    /** True for records the engine reacts to (replayed on recovery). */
    public static boolean isInput(final int type)
    {
        return type == INPUT_SIP || type == INPUT_TICK || type == INPUT_WEBHOOK || type == CONFIG ||
            type == INPUT_TRANSPORT_FAILURE || type == INPUT_MEDIA_IDLE || type == INPUT_MEDIA_STATS ||
            type == INPUT_MEDIA_OPEN_FAILED;
    }

    /** True for the records of messages Referee sent, whole or as a digest. */
    public static boolean isOutput(final int type)
    {
        return type == OUTPUT_SIP || type == OUTPUT_DIGEST;
    }

    /** True for domain event records (what {@link dev.referee.engine.events.EngineEvents} reports). */
    public static boolean isEvent(final int type)
    {
        return type >= CALL_CREATED && type <= LEG_ADDED;
    }

    public static String name(final int type)
    {
        return switch (type)
        {
            case NODE_START -> "node-start";
            case INPUT_SIP -> "input-sip";
            case INPUT_TICK -> "input-tick";
            case OUTPUT_SIP -> "output-sip";
            case OUTPUT_DIGEST -> "output-digest";
            case RECOVERED -> "recovered";
            case INPUT_WEBHOOK -> "input-webhook";
            case SNAPSHOT -> "snapshot";
            case CONFIG -> "config";
            case INPUT_TRANSPORT_FAILURE -> "input-transport-failure";
            case INPUT_MEDIA_IDLE -> "input-media-idle";
            case INPUT_MEDIA_STATS -> "input-media-stats";
            case INPUT_MEDIA_OPEN_FAILED -> "input-media-open-failed";
            case CALL_CREATED -> "call-created";
            case LEG_RINGING -> "leg-ringing";
            case LEG_ANSWERED -> "leg-answered";
            case REFER_RECEIVED -> "refer-received";
            case TRANSFER_REFUSED -> "transfer-refused";
            case TRANSFER_STARTED -> "transfer-started";
            case TRANSFER_TARGET_RINGING -> "transfer-target-ringing";
            case TRANSFER_COMPLETED -> "transfer-completed";
            case TRANSFER_FAILED -> "transfer-failed";
            case CALL_ENDED -> "call-ended";
            case LEG_ADDED -> "leg-added";
            default -> "unknown(" + type + ")";
        };
    }
}
