package dev.referee.ops.metrics;

import dev.referee.ops.admin.MetricsSource;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * {@code GET /metrics}: Referee's own metrics ({@link RefereeCollector}) and the JVM's (heap and non-heap memory
 * by pool, garbage collections and their time, direct and mapped buffers, which Agrona and Chronicle use, and the
 * process's CPU, memory and file descriptors), in the Prometheus text format (version 0.0.4), written by the
 * Prometheus client library. A registry of its own per node rather than the library's default one: two nodes in
 * one JVM (tests, the warm-up node) must not register the same names twice.
 */
public final class MetricsExposition implements MetricsSource
{
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    /** With {@code referee} and the JVM's collectors. */
    public MetricsExposition(final MultiCollector referee)
    {
        registry.register(referee);
        JvmMemoryMetrics.builder().register(registry);
        JvmGarbageCollectorMetrics.builder().register(registry);
        JvmBufferPoolMetrics.builder().register(registry);
        ProcessMetrics.builder().register(registry);
    }

    @Override
    public String contentType()
    {
        return writer.getContentType();
    }

    @Override
    public byte[] scrape() throws IOException
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        writer.write(out, registry.scrape());
        return out.toByteArray();
    }
}
