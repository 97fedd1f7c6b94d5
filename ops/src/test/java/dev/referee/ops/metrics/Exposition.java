package dev.referee.ops.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A reading of Prometheus text format output, as a scraper sees it: each family's type, and each sample's value by
 * its series ({@code name{label="value",...}}, labels as written). For tests; comments other than TYPE are skipped.
 */
final class Exposition
{
    final Map<String, String> types = new TreeMap<>();
    final Map<String, Double> samples = new LinkedHashMap<>();

    Exposition(final String text)
    {
        for (final String line : text.split("\n"))
        {
            if (line.startsWith("# TYPE "))
            {
                final String[] parts = line.split(" ");
                types.put(parts[2], parts[3]);
            }
            else if (!line.isEmpty() && !line.startsWith("#"))
            {
                final int space = line.lastIndexOf(' ');
                samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
    }

    /** The value of {@code series}; fails when it is not exposed. */
    double value(final String series)
    {
        final Double value = samples.get(series);
        if (value == null)
        {
            throw new AssertionError("no series " + series + " in " + samples.keySet());
        }
        return value;
    }

    /** True when a sample of metric {@code name} (as queried: {@code x_total}, {@code x_bucket}...) is exposed. */
    boolean exposes(final String name)
    {
        for (final String series : samples.keySet())
        {
            final int brace = series.indexOf('{');
            if ((brace < 0 ? series : series.substring(0, brace)).equals(name))
            {
                return true;
            }
        }
        return false;
    }
}
