package dev.referee.config;

import java.io.Reader;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One mapping of the document: knows which keys it allows and hands out {@link ConfigValue}s with their paths.
 * An absent key and a key with a null value both mean "use the default".
 */
public final class ConfigSection
{
    private final String source;
    private final String path;
    private final YamlNode.Mapping mapping;

    ConfigSection(final String source, final String path, final YamlNode.Mapping mapping)
    {
        this.source = source;
        this.path = path;
        this.mapping = mapping;
    }

    /** A section for a key that is absent: every lookup falls back to its default. */
    public static ConfigSection empty(final String source, final String path)
    {
        return new ConfigSection(source, path, new YamlNode.Mapping(ConfigException.NO_LINE, Map.of()));
    }

    /** Rejects the first key, in document order, that is not one of {@code allowed}. */
    public ConfigSection allowOnly(final String... allowed) throws ConfigException
    {
        final Set<String> keys = Set.of(allowed);
        for (final YamlNode.Entry entry : mapping.entries().values())
        {
            if (!keys.contains(entry.key()))
            {
                throw new ConfigException(source, entry.keyLine(), pathOf(entry.key()), "unknown key");
            }
        }
        return this;
    }

    public int line()
    {
        return mapping.line();
    }

    /** The value of {@code key}, or null when the key is absent or its value is null. */
    public ConfigValue get(final String key)
    {
        final YamlNode.Entry entry = mapping.entries().get(key);
        if (entry == null)
        {
            return null;
        }
        final ConfigValue value = new ConfigValue(source, pathOf(key), entry.value());
        return value.isNull() ? null : value;
    }

    /** The value of {@code key} as written, including an explicit null; null only when absent. */
    public ConfigValue getIncludingNull(final String key)
    {
        final YamlNode.Entry entry = mapping.entries().get(key);
        return entry == null ? null : new ConfigValue(source, pathOf(key), entry.value());
    }

    /** A required key: absent or null is an error at this section's line. */
    public ConfigValue require(final String key) throws ConfigException
    {
        final ConfigValue value = get(key);
        if (value == null)
        {
            throw new ConfigException(source, line(), pathOf(key), "required");
        }
        return value;
    }

    public ConfigSection section(final String key) throws ConfigException
    {
        final ConfigValue value = get(key);
        return value == null ? empty(source, pathOf(key)) : value.section();
    }

    public List<ConfigValue> items(final String key) throws ConfigException
    {
        final ConfigValue value = get(key);
        return value == null ? List.of() : value.items();
    }

    public String text(final String key, final String defaultValue) throws ConfigException
    {
        final ConfigValue value = get(key);
        return value == null ? defaultValue : value.nonEmptyText();
    }

    public int integer(final String key, final int defaultValue, final int min, final int max) throws ConfigException
    {
        final ConfigValue value = get(key);
        return value == null ? defaultValue : value.integer(min, max);
    }

    public boolean bool(final String key, final boolean defaultValue) throws ConfigException
    {
        final ConfigValue value = get(key);
        return value == null ? defaultValue : value.bool();
    }

    public long durationMs(final String key, final long defaultMs, final long maxMs) throws ConfigException
    {
        final ConfigValue value = get(key);
        return value == null ? defaultMs : value.durationMs(maxMs);
    }

    public long durationMs(final String key, final long defaultMs, final long minMs, final long maxMs)
        throws ConfigException
    {
        final ConfigValue value = get(key);
        return value == null ? defaultMs : value.durationMs(minMs, maxMs);
    }

    public <E extends Enum<E>> E choice(final String key, final Class<E> type, final E defaultValue) throws ConfigException
    {
        final ConfigValue value = get(key);
        return value == null ? defaultValue : value.choice(type);
    }

    /** A file system path; {@code defaultPath} when absent. */
    public Path path(final String key, final String defaultPath) throws ConfigException
    {
        final ConfigValue value = get(key);
        if (value == null)
        {
            return Path.of(defaultPath);
        }
        value.nonEmptyText();
        return value.parsed("path", ConfigSection::toPath);
    }

    /**
     * The top-level mapping of a YAML document; {@code source} names it in error messages. Each module reads its
     * own sections from it (the YAML key of each is named in the record the module reads it into).
     */
    public static ConfigSection document(final Reader reader, final String source) throws ConfigException
    {
        final YamlNode root = YamlTreeReader.read(reader, source);
        if (!(root instanceof YamlNode.Mapping))
        {
            throw new ConfigException(source, root.line(), ConfigException.DOCUMENT, "expected a mapping of keys");
        }
        return new ConfigSection(source, "", (YamlNode.Mapping)root);
    }

    private static Path toPath(final String text)
    {
        try
        {
            return Path.of(text);
        }
        catch (final InvalidPathException ex)
        {
            throw new IllegalArgumentException(ex.getReason());
        }
    }

    private String pathOf(final String key)
    {
        return path.isEmpty() ? key : path + "." + key;
    }
}
