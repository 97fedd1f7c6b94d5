package dev.referee.ops.metrics;

import dev.referee.engine.counters.EngineCounters;
import dev.referee.ops.admin.StatusSnapshot;
import dev.referee.ring.PipelineCounters;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ops/grafana/referee-dashboard.json queries only metrics that {@code GET /metrics} exposes, already on an idle node
 * (a panel never says "no data" because a metric is missing or renamed), and shows what the issue asks of it.
 */
class GrafanaDashboardTest
{
    private static final Path DASHBOARD = Path.of("grafana", "referee-dashboard.json");
    /** PromQL words that look like names but are not metrics. */
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
        "bool", "offset", "and", "or", "unless", "inf", "nan");
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)");

    @Test
    void shouldQueryOnlyMetricsThatAnIdleNodeExposes() throws IOException
    {
        final Exposition idle = new Exposition(new String(new MetricsExposition(new RefereeCollector(
            () -> StatusSnapshot.idle(1024, 1024), new EngineCounters(), PipelineCounters::new, () -> 0,
            new JournalAppends(() -> 0, () -> 0))).scrape(), StandardCharsets.UTF_8));

        final Set<String> missing = new TreeSet<>();
        for (final String metric : metricsQueried())
        {
            if (!idle.exposes(metric))
            {
                missing.add(metric);
            }
        }

        assertEquals(Set.of(), missing, "queried by the dashboard, not exposed by /metrics");
    }

    @Test
    void shouldShowCallsTransfersByOutcomeShedLoadAndLag() throws IOException
    {
        final Set<String> queried = metricsQueried();

        for (final String metric : List.of("referee_calls_active", "referee_calls_ended_total",
            "referee_transfers_total", "referee_requests_shed_total", "referee_engine_lag_seconds",
            "referee_engine_input_lag_seconds_bucket"))
        {
            assertTrue(queried.contains(metric), metric + " is not on the dashboard: " + queried);
        }
    }

    @Test
    void shouldFindTheMetricNamesInPromQl()
    {
        assertEquals(Set.of("referee_ring_used_slots", "referee_ring_slots"), names(
            "sum by (ring, instance) (referee_ring_used_slots{ring=\"in bound\"} / on(instance) referee_ring_slots)"));
        assertEquals(Set.of("referee_transfer_duration_seconds_bucket"), names(
            "histogram_quantile(0.95, sum by (le) (rate(referee_transfer_duration_seconds_bucket[$__rate_interval])))"));
    }

    /** Every metric named in the dashboard's queries: panel targets' expr and template variables' label_values. */
    private static Set<String> metricsQueried() throws IOException
    {
        final JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        final List<String> expressions = new ArrayList<>();
        dashboard.findValues("expr").forEach((expr) -> expressions.add(expr.asText()));
        assertTrue(expressions.size() >= 10, "the dashboard has queries: " + expressions);
        final Set<String> metrics = new TreeSet<>();
        expressions.forEach((expr) -> metrics.addAll(names(expr)));
        for (final JsonNode definition : dashboard.path("templating").findValues("definition"))
        {
            final Matcher metric = LABEL_VALUES.matcher(definition.asText());
            while (metric.find())
            {
                metrics.add(metric.group(1));
            }
        }
        return metrics;
    }

    /** The metric names in one PromQL expression: names that are not functions, keywords, labels or strings. */
    static Set<String> names(final String promql)
    {
        final String bare = promql
            .replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")          // string literals
            .replaceAll("\\{[^}]*}", " ")                              // label matchers
            .replaceAll("\\[[^]]*]", " ")                              // ranges
            .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " "); // label lists
        final Set<String> names = new TreeSet<>();
        final Matcher name = NAME.matcher(bare);
        while (name.find())
        {
            final String rest = bare.substring(name.end()).stripLeading();
            final boolean function = rest.startsWith("(");
            final boolean number = name.start() > 0 && Character.isDigit(bare.charAt(name.start() - 1));
            if (!function && !number && !KEYWORDS.contains(name.group()))
            {
                names.add(name.group());
            }
        }
        return names;
    }
}
