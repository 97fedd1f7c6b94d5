package dev.referee.config;

/**
 * A configuration that cannot be used, with where and why: the file (or embedded resource) it came from, the line,
 * the dotted key path ({@code routes[1].user}) and a plain reason ({@code bad regex: Unclosed group near index 3}).
 */
public final class ConfigException extends Exception
{
    /** The line when none applies, e.g. a file that cannot be read. */
    public static final int NO_LINE = 0;

    /** The key path of problems with the document as a whole (syntax, not a mapping). */
    public static final String DOCUMENT = "(document)";

    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;
    private final String keyPath;
    private final String reason;

    public ConfigException(final String source, final int line, final String keyPath, final String reason)
    {
        super(source + ":" + line + ": " + keyPath + ": " + reason);
        this.source = source;
        this.line = line;
        this.keyPath = keyPath;
        this.reason = reason;
    }

    /** The file path as given, or the name of the embedded resource. */
    public String source()
    {
        return source;
    }

    /** 1-based line number, {@link #NO_LINE} when unknown. */
    public int line()
    {
        return line;
    }

    /** Dotted key path with list indexes, e.g. {@code trunks[0].transfer.targets[2]}. */
    public String keyPath()
    {
        return keyPath;
    }

    /** The plain reason, without location. */
    public String reason()
    {
        return reason;
    }
}
