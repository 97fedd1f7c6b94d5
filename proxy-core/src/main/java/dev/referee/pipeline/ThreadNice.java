package dev.referee.pipeline;

import jnr.ffi.LibraryLoader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The calling thread's nice value (Linux keeps one per thread: setpriority(2) with who = 0 sets the calling
 * thread's), read from /proc and set through libc with JNR. Where it cannot be had (another OS, no JNR) every call
 * answers that nothing was done.
 */
final class ThreadNice
{
    /** setpriority(2)'s "which" for a process, which on Linux with who = 0 is the calling thread. */
    private static final int PRIO_PROCESS = 0;
    static final int MIN_NICE = -20;
    static final int MAX_NICE = 19;
    /** {@link #currentThreadNice()} where it cannot be read. */
    static final int UNKNOWN = Integer.MIN_VALUE;
    private static final Path THREAD_STAT = Path.of("/proc/thread-self/stat");

    /** The call as glibc declares it. */
    public interface LibC
    {
        int setpriority(int which, int who, int prio);
    }

    private static final LibC LIBC = load();

    private ThreadNice()
    {
    }

    private static LibC load()
    {
        if (!System.getProperty("os.name", "").startsWith("Linux"))
        {
            return null;
        }
        try
        {
            return LibraryLoader.create(LibC.class).load("c");
        }
        catch (final RuntimeException | LinkageError ex)
        {
            return null;
        }
    }

    /**
     * Moves the calling thread's nice value by {@code steps} (positive: less of a contended core; negative: more,
     * which needs CAP_SYS_NICE or an RLIMIT_NICE that allows it), within -20..19.
     *
     * @return whether the thread's nice value is now the one asked for.
     */
    static boolean shiftCurrentThread(final int steps)
    {
        final int nice = currentThreadNice();
        if (nice == UNKNOWN || LIBC == null)
        {
            return false;
        }
        final int wanted = Math.max(MIN_NICE, Math.min(MAX_NICE, nice + steps));
        return wanted == nice || LIBC.setpriority(PRIO_PROCESS, 0, wanted) == 0;
    }

    /**
     * Whether threads of this process may raise their priority by {@code steps} (nice values below the process's):
     * tried on a thread of its own, which ends with the answer.
     */
    static boolean canRaise(final int steps)
    {
        final boolean[] raised = new boolean[1];
        final Thread probe = new Thread(() -> raised[0] = shiftCurrentThread(-steps), "referee-nice-probe");
        probe.start();
        try
        {
            probe.join();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
        return raised[0];
    }

    /** The calling thread's nice value, or {@link #UNKNOWN} where it cannot be read. */
    static int currentThreadNice()
    {
        try
        {
            return niceOf(Files.readString(THREAD_STAT, StandardCharsets.US_ASCII));
        }
        catch (final IOException | RuntimeException ex)
        {
            return UNKNOWN;
        }
    }

    /**
     * The nice value in a task's {@code /proc/.../stat} line: field 19, counted after the command name, which is in
     * parentheses and may itself hold spaces and parentheses (hence from the last ')').
     */
    static int niceOf(final String stat)
    {
        final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return Integer.parseInt(fields[19 - 3]); // fields 1 (pid) and 2 (comm) come before; fields[0] is field 3
    }
}
