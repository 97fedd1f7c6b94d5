package dev.referee.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the duration form of the configuration: a whole number followed by ms, s, m or h ("500ms", "32s"). */
public final class Durations
{
    /** The longest timeout most settings take: longer is a typo, not a plan. */
    public static final long ONE_DAY_MS = 24L * 3_600_000L;

    private static final Pattern FORM = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h)");

    private Durations()
    {
    }

    /** Milliseconds; throws IllegalArgumentException with a plain reason when the text is not a duration. */
    public static long parseMs(final String text)
    {
        final Matcher matcher = FORM.matcher(text.trim());
        if (!matcher.matches())
        {
            throw new IllegalArgumentException("expected a whole number with ms, s, m or h, e.g. 500ms, 32s, 2m");
        }
        final long amount = Long.parseLong(matcher.group(1));
        switch (matcher.group(2))
        {
            case "ms":
                return amount;
            case "s":
                return amount * 1_000L;
            case "m":
                return amount * 60_000L;
            default:
                return amount * 3_600_000L;
        }
    }
}
