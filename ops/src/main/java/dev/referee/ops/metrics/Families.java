package dev.referee.ops.metrics;

import dev.referee.ring.FixedHistogram;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns figures read from Referee's counters into the Prometheus client's snapshots, one metric family at a time:
 * a family is begun with its name and help, given its data points (one per label set), then {@link #add}ed. Used on
 * the scrape thread only; nothing here is kept between scrapes.
 */
final class Families
{
    private static final double NS_PER_SECOND = 1e9;

    private final List<MetricSnapshot> snapshots = new ArrayList<>();

    /** A counter family; {@code name} without its {@code _total}, which the text format adds. */
    Counter counter(final String name, final String help)
    {
        return new Counter(name, help);
    }

    Gauge gauge(final String name, final String help)
    {
        return new Gauge(name, help);
    }

    /** One counter without labels. */
    void counter(final String name, final String help, final long value)
    {
        counter(name, help).point(value).add();
    }

    /** One gauge without labels. */
    void gauge(final String name, final String help, final double value)
    {
        gauge(name, help).point(value).add();
    }

    /**
     * A histogram in seconds from a {@link FixedHistogram} of nanoseconds (its bounds become the {@code le} labels,
     * its sum the {@code _sum}); {@code name} ends in {@code _seconds}.
     */
    void histogramSeconds(final String name, final String help, final FixedHistogram histogram)
    {
        final double[] bounds = new double[histogram.bounds() + 1];
        final long[] counts = new long[histogram.bounds() + 1];
        for (int bucket = 0; bucket < histogram.bounds(); bucket++)
        {
            bounds[bucket] = histogram.upperBound(bucket) / NS_PER_SECOND;
            counts[bucket] = histogram.count(bucket);
        }
        bounds[histogram.bounds()] = Double.POSITIVE_INFINITY;
        counts[histogram.bounds()] = histogram.count(histogram.bounds());
        snapshots.add(HistogramSnapshot.builder().name(name).help(help).unit(Unit.SECONDS)
            .dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, counts))
                .sum(histogram.sum() / NS_PER_SECOND)
                .build())
            .build());
    }

    /** Every family added so far. */
    List<MetricSnapshot> snapshots()
    {
        return snapshots;
    }

    /** Nanoseconds as seconds, the base unit of time. */
    static double seconds(final long nanoseconds)
    {
        return nanoseconds / NS_PER_SECOND;
    }

    final class Counter
    {
        private final CounterSnapshot.Builder builder;

        private Counter(final String name, final String help)
        {
            builder = CounterSnapshot.builder().name(name).help(help);
        }

        /** The family's unit; its name ends in it ({@code _seconds}, {@code _bytes}) before {@code _total}. */
        Counter unit(final Unit unit)
        {
            builder.unit(unit);
            return this;
        }

        /** A data point: {@code labels} are name, value pairs. */
        Counter point(final long value, final String... labels)
        {
            return point((double)value, labels);
        }

        /** A data point in a unit that is not a count (seconds). */
        Counter point(final double value, final String... labels)
        {
            builder.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                .value(value).labels(Labels.of(labels)).build());
            return this;
        }

        void add()
        {
            snapshots.add(builder.build());
        }
    }

    final class Gauge
    {
        private final GaugeSnapshot.Builder builder;

        private Gauge(final String name, final String help)
        {
            builder = GaugeSnapshot.builder().name(name).help(help);
        }

        Gauge point(final double value, final String... labels)
        {
            builder.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                .value(value).labels(Labels.of(labels)).build());
            return this;
        }

        /** The family's unit; its name ends in it ({@code _seconds}, {@code _bytes}). */
        Gauge unit(final Unit unit)
        {
            builder.unit(unit);
            return this;
        }

        void add()
        {
            snapshots.add(builder.build());
        }
    }
}
