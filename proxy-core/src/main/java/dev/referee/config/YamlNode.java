package dev.referee.config;

import java.util.List;
import java.util.Map;

/** A parsed YAML document that remembers the line of every node, so errors can point at the source. */
sealed interface YamlNode permits YamlNode.Mapping, YamlNode.Sequence, YamlNode.Scalar
{
    /** 1-based line where the node starts. */
    int line();

    /** Key order is document order, so "the first unknown key" is the first one a reader sees. */
    record Mapping(int line, Map<String, Entry> entries) implements YamlNode
    {
    }

    record Entry(String key, int keyLine, YamlNode value)
    {
    }

    record Sequence(int line, List<YamlNode> items) implements YamlNode
    {
    }

    /** What the YAML scanner decided a plain or quoted scalar is. */
    enum Kind
    {
        STRING,
        INTEGER,
        FLOAT,
        BOOLEAN,
        NULL
    }

    /** {@code text} is the scalar as written (unquoted); {@code number} is set for INTEGER and FLOAT only. */
    record Scalar(int line, Kind kind, String text, Number number) implements YamlNode
    {
    }
}
