package dev.referee.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One value of the document with its key path: converts it to what a config record needs, or throws a
 * {@link ConfigException} that names the path and the line of the value.
 */
public final class ConfigValue
{
    private final String source;
    private final String path;
    private final YamlNode node;

    ConfigValue(final String source, final String path, final YamlNode node)
    {
        this.source = source;
        this.path = path;
        this.node = node;
    }

    public String path()
    {
        return path;
    }

    public int line()
    {
        return node.line();
    }

    public boolean isNull()
    {
        return node instanceof YamlNode.Scalar && ((YamlNode.Scalar)node).kind() == YamlNode.Kind.NULL;
    }

    public ConfigException error(final String reason)
    {
        return new ConfigException(source, node.line(), path, reason);
    }

    /** Any scalar as written: an unquoted {@code user: 1000} is meant as the text "1000". */
    public String text() throws ConfigException
    {
        if (!(node instanceof YamlNode.Scalar) || isNull())
        {
            throw error("expected a string");
        }
        return ((YamlNode.Scalar)node).text();
    }

    public String nonEmptyText() throws ConfigException
    {
        final String text = text();
        if (text.isBlank())
        {
            throw error("must not be empty");
        }
        return text;
    }

    public int integer(final int min, final int max) throws ConfigException
    {
        if (!(node instanceof YamlNode.Scalar) || ((YamlNode.Scalar)node).kind() != YamlNode.Kind.INTEGER)
        {
            throw error("expected an integer");
        }
        final long value = ((YamlNode.Scalar)node).number().longValue();
        final String text = ((YamlNode.Scalar)node).text();
        if (value < min || value > max || !Long.toString(value).equals(text.replace("+", "")))
        {
            throw error("must be between " + min + " and " + max + " (got " + text + ")");
        }
        return (int)value;
    }

    public boolean bool() throws ConfigException
    {
        if (!(node instanceof YamlNode.Scalar) || ((YamlNode.Scalar)node).kind() != YamlNode.Kind.BOOLEAN)
        {
            throw error("expected true or false");
        }
        return Boolean.parseBoolean(((YamlNode.Scalar)node).text());
    }

    /** A duration in milliseconds, within 1 ms .. {@code maxMs}. */
    public long durationMs(final long maxMs) throws ConfigException
    {
        return durationMs(1, maxMs);
    }

    /** A duration from {@code minMs} (0: "off" is allowed) to {@code maxMs}. */
    public long durationMs(final long minMs, final long maxMs) throws ConfigException
    {
        final String text = text();
        final long ms;
        try
        {
            ms = Durations.parseMs(text);
        }
        catch (final IllegalArgumentException ex)
        {
            throw error("bad duration '" + text + "': " + ex.getMessage());
        }
        if (ms < minMs || ms > maxMs)
        {
            throw error("duration '" + text + "' out of range " + minMs + "ms.." + maxMs / 1000 + "s");
        }
        return ms;
    }

    /** Enum constants are written in lower case with '-' for '_': busy-spin, allow-pstn. */
    <E extends Enum<E>> E choice(final Class<E> type) throws ConfigException
    {
        final String text = text();
        for (final E constant : type.getEnumConstants())
        {
            if (spelling(constant).equals(text))
            {
                return constant;
            }
        }
        final List<String> names = new ArrayList<>();
        for (final E constant : type.getEnumConstants())
        {
            names.add(spelling(constant));
        }
        throw error("expected one of " + String.join(", ", names) + " (got '" + text + "')");
    }

    public Pattern regex() throws ConfigException
    {
        final String text = text();
        try
        {
            return Pattern.compile(text);
        }
        catch (final PatternSyntaxException ex)
        {
            final String near = ex.getIndex() >= 0 ? " near index " + ex.getIndex() : "";
            throw error("bad regex: " + ex.getDescription() + near);
        }
    }

    /** Text parsed by {@code parser}, whose IllegalArgumentException becomes "bad {what} 'text': reason". */
    public <T> T parsed(final String what, final Function<String, T> parser) throws ConfigException
    {
        final String text = text();
        try
        {
            return parser.apply(text);
        }
        catch (final IllegalArgumentException ex)
        {
            throw error("bad " + what + " '" + text + "': " + ex.getMessage());
        }
    }

    public boolean isMapping()
    {
        return node instanceof YamlNode.Mapping;
    }

    public ConfigSection section() throws ConfigException
    {
        if (!(node instanceof YamlNode.Mapping))
        {
            throw error("expected a mapping");
        }
        return new ConfigSection(source, path, (YamlNode.Mapping)node);
    }

    public List<ConfigValue> items() throws ConfigException
    {
        if (!(node instanceof YamlNode.Sequence))
        {
            throw error("expected a list");
        }
        final List<YamlNode> nodes = ((YamlNode.Sequence)node).items();
        final List<ConfigValue> items = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++)
        {
            items.add(new ConfigValue(source, path + "[" + i + "]", nodes.get(i)));
        }
        return items;
    }

    public static String spelling(final Enum<?> constant)
    {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
