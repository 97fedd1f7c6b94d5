package dev.referee.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link YamlNode} tree with Jackson's streaming YAML parser. The streaming API is used instead of data
 * binding because it exposes the location of every token, which is what makes "key X at line N" errors possible.
 */
final class YamlTreeReader
{
    private static final YAMLFactory FACTORY = new YAMLFactory();

    private final String source;
    private final JsonParser parser;

    private YamlTreeReader(final String source, final JsonParser parser)
    {
        this.source = source;
        this.parser = parser;
    }

    /** Reads one document; an empty document is an empty mapping. */
    static YamlNode read(final Reader reader, final String source) throws ConfigException
    {
        try (JsonParser parser = FACTORY.createParser(reader))
        {
            final YamlTreeReader treeReader = new YamlTreeReader(source, parser);
            final JsonToken first = parser.nextToken();
            if (first == null)
            {
                return new YamlNode.Mapping(1, Map.of());
            }
            final YamlNode root = treeReader.node(first, "");
            if (parser.nextToken() != null)
            {
                throw new ConfigException(
                    source, treeReader.line(), ConfigException.DOCUMENT, "only one YAML document");
            }
            return root;
        }
        catch (final JsonProcessingException ex)
        {
            final JsonLocation location = ex.getLocation();
            final int line = location == null ? ConfigException.NO_LINE : location.getLineNr();
            throw new ConfigException(
                source, line, ConfigException.DOCUMENT, "YAML syntax: " + ex.getOriginalMessage());
        }
        catch (final IOException ex)
        {
            throw new ConfigException(source, ConfigException.NO_LINE, ConfigException.DOCUMENT, "cannot read: " + ex);
        }
    }

    private int line()
    {
        return parser.currentTokenLocation().getLineNr();
    }

    private YamlNode node(final JsonToken token, final String path) throws IOException, ConfigException
    {
        if (token == null)
        {
            throw new ConfigException(source, line(), ConfigException.DOCUMENT, "truncated YAML document");
        }
        final int line = line();
        switch (token)
        {
            case START_OBJECT:
                return mapping(line, path);
            case START_ARRAY:
                return sequence(line, path);
            case VALUE_STRING:
                return new YamlNode.Scalar(line, YamlNode.Kind.STRING, parser.getText(), null);
            case VALUE_NUMBER_INT:
                return new YamlNode.Scalar(line, YamlNode.Kind.INTEGER, parser.getText(), parser.getNumberValue());
            case VALUE_NUMBER_FLOAT:
                return new YamlNode.Scalar(line, YamlNode.Kind.FLOAT, parser.getText(), parser.getNumberValue());
            case VALUE_TRUE:
            case VALUE_FALSE:
                return new YamlNode.Scalar(line, YamlNode.Kind.BOOLEAN, parser.getText(), null);
            case VALUE_NULL:
                return new YamlNode.Scalar(line, YamlNode.Kind.NULL, "", null);
            default:
                throw new ConfigException(source, line, ConfigException.DOCUMENT, "unsupported YAML: " + token);
        }
    }

    private YamlNode mapping(final int line, final String path) throws IOException, ConfigException
    {
        final Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME)
        {
            final String key = parser.currentName();
            final int keyLine = line();
            final String keyPath = path.isEmpty() ? key : path + "." + key;
            final YamlNode value = node(parser.nextToken(), keyPath);
            if (entries.putIfAbsent(key, new YamlNode.Entry(key, keyLine, value)) != null)
            {
                throw new ConfigException(source, keyLine, keyPath, "duplicate key");
            }
        }
        expect(token, JsonToken.END_OBJECT);
        return new YamlNode.Mapping(line, entries);
    }

    private YamlNode sequence(final int line, final String path) throws IOException, ConfigException
    {
        final List<YamlNode> items = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY && token != null)
        {
            items.add(node(token, path + "[" + items.size() + "]"));
        }
        expect(token, JsonToken.END_ARRAY);
        return new YamlNode.Sequence(line, items);
    }

    private void expect(final JsonToken actual, final JsonToken expected) throws ConfigException
    {
        if (actual != expected)
        {
            throw new ConfigException(source, line(), ConfigException.DOCUMENT, "truncated YAML document");
        }
    }
}
