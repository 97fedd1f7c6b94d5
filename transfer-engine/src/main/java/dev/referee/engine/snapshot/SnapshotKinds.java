package dev.referee.engine.snapshot;

/** The kinds of object a snapshot holds, written before each object's fields. Codes are stable across versions. */
public final class SnapshotKinds
{
    public static final int CALL = 1;
    public static final int LEG = 2;
    public static final int SERVER_TRANSACTION = 3;
    public static final int CLIENT_TRANSACTION = 4;
    public static final int REFER_REQUEST = 5;
    public static final int TRANSFER = 6;
    /** One past the highest code. */
    public static final int LIMIT = 7;

    private SnapshotKinds()
    {
    }
}
