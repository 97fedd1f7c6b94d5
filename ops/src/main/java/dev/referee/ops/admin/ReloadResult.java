package dev.referee.ops.admin;

/**
 * What a reload did, as the admin answer ({@code POST /reload}), {@code referee reload} and the log after SIGHUP
 * say it.
 *
 * @param status  the HTTP status of the answer: 200 applied, 400 the file does not load, 409 it changes what needs a
 *                restart (or the node was started without a file), 503 the engine did not take it in time.
 * @param message one line for an operator: what changed, or which key and line are wrong and why.
 */
public record ReloadResult(int status, String message)
{
    public static final int APPLIED = 200;
    public static final int BAD_FILE = 400;
    public static final int NEEDS_RESTART = 409;
    public static final int NOT_TAKEN = 503;

    public boolean applied()
    {
        return status == APPLIED;
    }
}
