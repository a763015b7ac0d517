/**
 * The Grafana dashboards of aspect-stream, written as code and emitted as Grafana's provisioning JSON
 * into monitoring/grafana/dashboards/ (`npx tsx monitoring/grafana/dashboards.ts`, then
 * `npx prettier --write monitoring/grafana/dashboards`; commit both).
 * test/monitoring/grafana-dashboards.test.ts checks the JSON against Grafana's published dashboard
 * schema (@grafana/schema), checks that it is what this file writes, and parses every query with
 * promtool.
 *
 * Every panel reads the Prometheus data source chosen in the `datasource` variable, so the same JSON
 * works in any Grafana. Queries use the recording rules of monitoring/prometheus/rules/ where one
 * exists, so dashboards and alerts show the same figures.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const SCHEMA_VERSION = 39;
const DS = { type: 'prometheus', uid: '${datasource}' };
/** Ops endpoints are scraped constantly; they are not traffic. */
const NOT_OPS = 'route!~"/metrics|/healthz|/readyz"';

interface Query {
  expr: string;
  legend?: string;
  instant?: boolean;
}
interface PanelSpec {
  title: string;
  description: string;
  queries: Query[];
  unit?: string;
  kind?: 'timeseries' | 'stat' | 'table';
  /** Grid width out of 24. */
  w?: number;
  h?: number;
}

export type DashboardJson = Record<string, unknown> & { uid: string; panels: Array<Record<string, unknown>> };

function panel(spec: PanelSpec, id: number, x: number, y: number): Record<string, unknown> {
  const kind = spec.kind ?? 'timeseries';
  const options: Record<string, unknown> =
    kind === 'timeseries'
      ? {
          legend: { displayMode: 'list', placement: 'bottom', showLegend: true },
          tooltip: { mode: 'multi', sort: 'desc' },
        }
      : kind === 'stat'
        ? {
            reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
            colorMode: 'background',
            graphMode: 'none',
            textMode: 'value_and_name',
          }
        : { showHeader: true };
  return {
    id,
    type: kind,
    title: spec.title,
    description: spec.description,
    datasource: DS,
    gridPos: { h: spec.h ?? 8, w: spec.w ?? 12, x, y },
    fieldConfig: {
      defaults: {
        unit: spec.unit ?? 'short',
        ...(kind === 'stat'
          ? {
              mappings: [
                {
                  type: 'value',
                  options: { '0': { text: 'DOWN', color: 'red' }, '1': { text: 'UP', color: 'green' } },
                },
              ],
              thresholds: {
                mode: 'absolute',
                steps: [
                  { color: 'red', value: null },
                  { color: 'green', value: 1 },
                ],
              },
            }
          : {}),
      },
      overrides: [],
    },
    options,
    targets: spec.queries.map((q, i) => ({
      refId: String.fromCharCode(65 + i),
      datasource: DS,
      expr: q.expr,
      legendFormat: q.legend ?? '__auto',
      range: !q.instant,
      instant: Boolean(q.instant),
    })),
  };
}

function row(title: string, id: number, y: number): Record<string, unknown> {
  return { id, type: 'row', title, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y }, panels: [] };
}

/** Lays out rows of panels left to right, 24 columns wide. */
function dashboard(
  uid: string,
  title: string,
  description: string,
  sections: Array<[string, PanelSpec[]]>,
): DashboardJson {
  const panels: Array<Record<string, unknown>> = [];
  let id = 1;
  let y = 0;
  for (const [rowTitle, specs] of sections) {
    panels.push(row(rowTitle, id++, y++));
    let x = 0;
    let rowHeight = 0;
    for (const spec of specs) {
      const w = spec.w ?? 12;
      if (x + w > 24) {
        x = 0;
        y += rowHeight;
        rowHeight = 0;
      }
      panels.push(panel(spec, id++, x, y));
      x += w;
      rowHeight = Math.max(rowHeight, spec.h ?? 8);
    }
    y += rowHeight;
  }
  return {
    uid,
    title,
    description,
    tags: ['aspect-stream'],
    editable: true,
    graphTooltip: 1,
    refresh: '30s',
    schemaVersion: SCHEMA_VERSION,
    time: { from: 'now-1h', to: 'now' },
    timezone: 'utc',
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    templating: {
      list: [
        {
          name: 'datasource',
          label: 'Prometheus',
          type: 'datasource',
          query: 'prometheus',
          hide: 0,
          refresh: 1,
          options: [],
        },
      ],
    },
    links: [
      {
        title: 'aspect-stream',
        type: 'dashboards',
        tags: ['aspect-stream'],
        asDropdown: true,
        icon: 'external link',
        includeVars: false,
        keepTime: true,
        targetBlank: false,
        tooltip: '',
        url: '',
      },
    ],
    panels,
  };
}

const SERVICES = 'collector-http|absa-processor|sink-postgres|sink-elasticsearch|api|log-shipper|alerts';
const rate = (metric: string, by = ''): string =>
  `sum${by ? ` by (${by})` : ''} (rate(${metric}[$__rate_interval]))`;
const quantile = (q: number, metric: string, selector = '', by = ''): string =>
  `histogram_quantile(${q}, sum by (${by ? `${by}, ` : ''}le) (rate(${metric}_bucket${selector}[$__rate_interval])))`;

export function dashboards(): DashboardJson[] {
  const pipeline = dashboard(
    'absa-pipeline',
    'aspect-stream: pipeline overview',
    'Health, throughput per stage, consumer lag, dead letters and end-to-end delay of the whole pipeline.',
    [
      [
        'Health',
        [
          {
            title: 'Services',
            description: 'Whether Prometheus can scrape each service (up).',
            kind: 'stat',
            w: 12,
            h: 5,
            queries: [{ expr: `up{job=~"${SERVICES}"}`, legend: '{{job}}', instant: true }],
          },
          {
            title: 'Stack',
            description:
              'Blackbox probes of Kafka, the registry, Elasticsearch and PostgreSQL (probe_success).',
            kind: 'stat',
            w: 6,
            h: 5,
            queries: [{ expr: 'probe_success{job="stack"}', legend: '{{component}}', instant: true }],
          },
          {
            title: 'Firing alerts',
            description: 'Alerts Prometheus is sending to Alertmanager now.',
            kind: 'table',
            w: 6,
            h: 5,
            queries: [
              { expr: 'sum by (alertname, severity, service) (ALERTS{alertstate="firing"})', instant: true },
            ],
          },
        ],
      ],
      [
        'Throughput',
        [
          {
            title: 'Documents per second by stage',
            description:
              'Accepted by the collector, read by the processor, written by each sink (recording rule absa:stage_documents:rate5m).',
            unit: 'ops',
            queries: [{ expr: 'absa:stage_documents:rate5m', legend: '{{stage}} {{service}}' }],
          },
          {
            title: 'Aspect mentions per second by stage',
            description:
              'Written by the processor, tallied by the alert service (recording rule absa:stage_mentions:rate5m).',
            unit: 'ops',
            queries: [{ expr: 'absa:stage_mentions:rate5m', legend: '{{stage}}' }],
          },
          {
            title: 'Collector outcomes',
            description:
              'Documents the HTTP collector accepted (Kafka acknowledged), rejected (invalid) or failed (Kafka unavailable).',
            unit: 'ops',
            queries: [{ expr: rate('absa_collector_documents_total', 'outcome'), legend: '{{outcome}}' }],
          },
        ],
      ],
      [
        'Lag and delay',
        [
          {
            title: 'Consumer lag by group',
            description:
              'Messages behind the end of the input topic, per consumer (processor and sinks measure it after each batch).',
            queries: [{ expr: 'absa:consumer_lag_messages:sum', legend: '{{service}}' }],
          },
          {
            title: 'Consumer lag by partition',
            description: 'The same lag, per topic and partition.',
            queries: [{ expr: 'absa_consumer_lag_messages', legend: '{{service}} {{topic}}/{{partition}}' }],
          },
          {
            title: 'Ingest to written, per sink',
            description:
              'Measured end-to-end latency: seconds from the collector accepting a document (ingested_at) to each sink committing it, median and 99th percentile. A stalled sink writes nothing and so shows no value here; the estimate next to it still rises.',
            unit: 's',
            queries: [
              {
                expr: quantile(0.5, 'absa_sink_ingest_to_written_seconds', '', 'service'),
                legend: '{{service}} p50',
              },
              {
                expr: quantile(0.99, 'absa_sink_ingest_to_written_seconds', '', 'service'),
                legend: '{{service}} p99',
              },
            ],
          },
          {
            title: 'Ingest to queryable (estimate)',
            description:
              'Lag divided by rate: how long a new document waits at each consumer, and in all (SLO: under 60 s 99 % of the time).',
            unit: 's',
            queries: [
              { expr: 'absa:pipeline_delay_seconds:estimate', legend: 'pipeline' },
              { expr: 'absa:consumer_delay_seconds:estimate', legend: '{{service}}' },
            ],
          },
          {
            title: 'Dead letters (5 min)',
            description:
              'Messages sent to a dead-letter topic in the last 5 minutes, by service and error class.',
            queries: [{ expr: 'absa:dead_letters:increase5m', legend: '{{service}} {{error_class}}' }],
          },
        ],
      ],
      [
        'Objectives',
        [
          {
            title: 'SLO error ratios (1 h)',
            description:
              'Share of bad requests or bad time over the last hour, per objective (docs/runbooks.md#slos).',
            unit: 'percentunit',
            w: 24,
            queries: [
              {
                expr: 'slo:ingest_availability:error_ratio_rate1h',
                legend: 'ingest availability (budget 0.1 %)',
              },
              { expr: 'slo:api_latency:error_ratio_rate1h', legend: 'API latency (budget 1 %)' },
              {
                expr: 'slo:ingest_to_queryable:error_ratio_rate1h',
                legend: 'ingest to queryable (budget 1 %)',
              },
            ],
          },
        ],
      ],
      [
        'Logs',
        [
          {
            title: 'Log lines shipped',
            description: 'ECS log lines the log shipper indexed into absa-logs, per service.',
            unit: 'ops',
            queries: [
              {
                expr: rate('absa_log_shipper_lines_total', 'log_service, outcome'),
                legend: '{{log_service}} {{outcome}}',
              },
            ],
          },
          {
            title: 'Log shipper backlog',
            description:
              'Bytes of log files written but not yet in Elasticsearch (grows during an Elasticsearch outage, then drains).',
            unit: 'bytes',
            queries: [
              { expr: 'sum by (log_service) (absa_log_shipper_backlog_bytes)', legend: '{{log_service}}' },
            ],
          },
        ],
      ],
    ],
  );

  const model = dashboard(
    'absa-model',
    'aspect-stream: ABSA model',
    'The processor: documents, sentences and aspects per second, model batch sizes and times, chunk sizes, inference and transaction latency, resources.',
    [
      [
        'Throughput',
        [
          {
            title: 'Documents analysed per second',
            description: 'Raw documents read and document events written, by status.',
            unit: 'ops',
            queries: [
              { expr: rate('absa_processor_documents_consumed_total'), legend: 'read' },
              {
                expr: rate('absa_processor_documents_produced_total', 'status'),
                legend: 'written {{status}}',
              },
            ],
          },
          {
            title: 'Aspect mentions per second',
            description: 'Aspect mention events the processor wrote.',
            unit: 'ops',
            queries: [{ expr: 'absa:aspects_emitted:rate5m', legend: 'aspects' }],
          },
          {
            title: 'Sentences per second',
            description: 'Sentences the model analysed (successful runs only).',
            unit: 'ops',
            queries: [{ expr: rate('absa_model_sentences_total'), legend: 'sentences' }],
          },
        ],
      ],
      [
        'Model',
        [
          {
            title: 'Sequences per model batch',
            description:
              'Sequences (sentence windows, or sentence-target pairs) in one ONNX run: median, 95th percentile and mean. Runs fill up to ABSA_BATCH_SIZE when enough sentences wait.',
            queries: [
              { expr: quantile(0.5, 'absa_model_batch_sequences'), legend: 'p50' },
              { expr: quantile(0.95, 'absa_model_batch_sequences'), legend: 'p95' },
              {
                expr: 'sum (rate(absa_model_batch_sequences_sum[$__rate_interval])) / sum (rate(absa_model_batch_sequences_count[$__rate_interval]))',
                legend: 'mean',
              },
            ],
          },
          {
            title: 'Model batch time',
            description: 'Time of one ONNX run (one batch), median and 95th percentile.',
            unit: 's',
            queries: [
              { expr: quantile(0.5, 'absa_model_batch_duration_seconds'), legend: 'p50' },
              { expr: quantile(0.95, 'absa_model_batch_duration_seconds'), legend: 'p95' },
            ],
          },
        ],
      ],
      [
        'Batches and latency',
        [
          {
            title: 'Messages per transaction',
            description: 'Median and 95th percentile of the messages in one Kafka transaction (chunk).',
            queries: [
              {
                expr: quantile(0.5, 'absa_consumer_chunk_messages', '{service="absa-processor"}'),
                legend: 'p50',
              },
              {
                expr: quantile(0.95, 'absa_consumer_chunk_messages', '{service="absa-processor"}'),
                legend: 'p95',
              },
            ],
          },
          {
            title: 'Inference time per chunk',
            description:
              'Language, sentences, model, embeddings and categories of one chunk (alert: p95 over 20 s for 15 min).',
            unit: 's',
            queries: [
              { expr: quantile(0.5, 'absa_processor_inference_duration_seconds'), legend: 'p50' },
              { expr: quantile(0.95, 'absa_processor_inference_duration_seconds'), legend: 'p95' },
              { expr: quantile(0.99, 'absa_processor_inference_duration_seconds'), legend: 'p99' },
            ],
          },
          {
            title: 'Transaction time',
            description: 'From decoding a chunk to its committed transaction.',
            unit: 's',
            queries: [
              { expr: 'absa:processor_transaction_duration_seconds:p99_5m', legend: 'p99' },
              {
                expr: quantile(0.5, 'absa_consumer_chunk_duration_seconds', '{service="absa-processor"}'),
                legend: 'p50',
              },
            ],
          },
          {
            title: 'Dead letters by error class',
            description: 'Input the processor could not analyse (too long, undecodable).',
            queries: [
              { expr: 'absa:dead_letters:increase5m{service="absa-processor"}', legend: '{{error_class}}' },
            ],
          },
        ],
      ],
      [
        'Resources',
        [
          {
            title: 'CPU',
            description: 'CPU seconds per second of the processor process.',
            unit: 'percentunit',
            queries: [
              {
                expr: 'rate(absa_process_cpu_seconds_total{service="absa-processor"}[$__rate_interval])',
                legend: 'cpu',
              },
            ],
          },
          {
            title: 'Resident memory',
            description: 'RSS of the processor (model and ONNX Runtime included).',
            unit: 'bytes',
            queries: [
              { expr: 'absa_process_resident_memory_bytes{service="absa-processor"}', legend: 'rss' },
            ],
          },
        ],
      ],
    ],
  );

  const api = dashboard(
    'absa-api',
    'aspect-stream: read API',
    'Requests of the read API by route and status, latency against its objective, refusals.',
    [
      [
        'Traffic',
        [
          {
            title: 'Requests per second by route and status',
            description: 'Every request except the ops endpoints.',
            unit: 'reqps',
            queries: [
              {
                expr: rate(
                  `absa_http_request_duration_seconds_count{service="api", ${NOT_OPS}}`,
                  'route, status',
                ),
                legend: '{{route}} {{status}}',
              },
            ],
          },
          {
            title: '5xx share',
            description: 'Share of requests answered with a 5xx (alert: over 5 % for 5 min).',
            unit: 'percentunit',
            queries: [{ expr: 'absa:http_requests_5xx:ratio_rate5m{service="api"}', legend: '5xx' }],
          },
        ],
      ],
      [
        'Latency',
        [
          {
            title: 'p99 by route',
            description:
              '99th percentile request time per route (objective: 99 % within 250 ms over all routes).',
            unit: 's',
            queries: [
              { expr: 'absa:http_request_duration_seconds:p99_5m{service="api"}', legend: '{{route}}' },
              { expr: 'absa:api_request_duration_seconds:p99_5m', legend: 'all routes' },
            ],
          },
          {
            title: 'p50 by route',
            description: 'Median request time per route.',
            unit: 's',
            queries: [
              { expr: 'absa:http_request_duration_seconds:p50_5m{service="api"}', legend: '{{route}}' },
            ],
          },
          {
            title: 'Latency budget',
            description: 'Share of requests slower than 250 ms, over 5 minutes and 1 hour (budget 1 %).',
            unit: 'percentunit',
            queries: [
              { expr: 'slo:api_latency:error_ratio_rate5m', legend: '5 min' },
              { expr: 'slo:api_latency:error_ratio_rate1h', legend: '1 h' },
            ],
          },
        ],
      ],
      [
        'Refusals',
        [
          {
            title: 'Authentication failures',
            description: 'Requests refused by authentication or authorization, by reason.',
            unit: 'reqps',
            w: 8,
            queries: [{ expr: rate('absa_api_auth_failures_total', 'reason'), legend: '{{reason}}' }],
          },
          {
            title: 'Rate limited',
            description: 'Requests refused with 429, by limiter.',
            unit: 'reqps',
            w: 8,
            queries: [{ expr: rate('absa_api_rate_limited_total', 'limiter'), legend: '{{limiter}}' }],
          },
          {
            title: 'Dependency unavailable',
            description: 'Requests answered 503 because PostgreSQL or Elasticsearch failed.',
            unit: 'reqps',
            w: 8,
            queries: [
              { expr: rate('absa_api_dependency_unavailable_total', 'dependency'), legend: '{{dependency}}' },
            ],
          },
        ],
      ],
    ],
  );

  const sinks = dashboard(
    'absa-sinks',
    'aspect-stream: sinks',
    'PostgreSQL and Elasticsearch sinks: rows and documents per second, outcomes, retries, batch latency.',
    [
      [
        'Writes',
        [
          {
            title: 'PostgreSQL rows per second',
            description: 'Rows inserted (documents, aspect_mentions) or upserted (rollups), by table.',
            unit: 'ops',
            queries: [{ expr: rate('absa_sink_postgres_rows_written_total', 'table'), legend: '{{table}}' }],
          },
          {
            title: 'Elasticsearch documents per second',
            description: 'Documents indexed, by alias.',
            unit: 'ops',
            queries: [
              { expr: rate('absa_sink_elasticsearch_docs_written_total', 'alias'), legend: '{{alias}}' },
            ],
          },
          {
            title: 'Messages by outcome',
            description: 'Kafka messages each sink finished: written, or dead-lettered.',
            unit: 'ops',
            queries: [
              {
                expr: rate('absa_consumer_messages_total{service=~"sink-.*"}', 'service, outcome'),
                legend: '{{service}} {{outcome}}',
              },
            ],
          },
          {
            title: 'Replayed rows skipped',
            description: 'Rows already present (replays), skipped by ON CONFLICT DO NOTHING.',
            unit: 'ops',
            queries: [{ expr: rate('absa_sink_postgres_rows_skipped_total', 'table'), legend: '{{table}}' }],
          },
        ],
      ],
      [
        'Failures',
        [
          {
            title: 'Waits for an unavailable store',
            description:
              'Chunks written again after waiting for an unavailable dependency (alert: for 5 min).',
            unit: 'ops',
            queries: [{ expr: 'absa:sink_retries:rate5m', legend: '{{service}} {{dependency}}' }],
          },
          {
            title: 'Elasticsearch items refused',
            description: 'Bulk items refused, by HTTP status (429/5xx retried, other 4xx dead-lettered).',
            unit: 'ops',
            queries: [{ expr: 'absa:sink_elasticsearch_item_failures:rate5m', legend: '{{status}}' }],
          },
        ],
      ],
      [
        'Latency and batches',
        [
          {
            title: 'Batch time',
            description: 'From decoding a batch to its committed offset, retries included (p99 per sink).',
            unit: 's',
            w: 8,
            queries: [{ expr: 'absa:sink_batch_duration_seconds:p99_5m', legend: '{{service}} p99' }],
          },
          {
            title: 'Store write time',
            description: 'One PostgreSQL transaction and one Elasticsearch bulk request (p99).',
            unit: 's',
            w: 8,
            queries: [
              {
                expr: quantile(0.99, 'absa_sink_postgres_transaction_duration_seconds'),
                legend: 'postgres transaction',
              },
              {
                expr: quantile(0.99, 'absa_sink_elasticsearch_bulk_duration_seconds'),
                legend: 'elasticsearch bulk',
              },
            ],
          },
          {
            title: 'Events per batch',
            description: 'Median events per written batch, per sink.',
            w: 8,
            queries: [
              {
                expr: quantile(0.5, 'absa_consumer_chunk_messages', '{service=~"sink-.*"}', 'service'),
                legend: '{{service}}',
              },
            ],
          },
          {
            title: 'Offset commits per second',
            description: 'Commits after written batches.',
            unit: 'ops',
            queries: [
              {
                expr: rate('absa_consumer_commits_total{service=~"sink-.*"}', 'service'),
                legend: '{{service}}',
              },
            ],
          },
          {
            title: 'Lag by partition',
            description: 'Messages behind the partition end after the last batch.',
            queries: [
              {
                expr: 'absa_consumer_lag_messages{service=~"sink-.*"}',
                legend: '{{service}} {{topic}}/{{partition}}',
              },
            ],
          },
        ],
      ],
    ],
  );
  const alerts = dashboard(
    'absa-alerts',
    'aspect-stream: alert service',
    'The alert service: mentions tallied, windows evaluated, alerts raised, webhook deliveries and its window state.',
    [
      [
        'Health',
        [
          {
            title: 'Alert service',
            description: 'Whether Prometheus can scrape the alert service (up).',
            kind: 'stat',
            w: 6,
            h: 5,
            queries: [{ expr: 'up{job="alerts"}', legend: '{{instance}}', instant: true }],
          },
          {
            title: 'Dependencies',
            description:
              'Whether each loop reaches what it needs (0 while a chunk waits for the dependency, 1 once it answers).',
            kind: 'stat',
            w: 12,
            h: 5,
            queries: [
              {
                expr: 'absa_consumer_dependency_available{service="alerts"}',
                legend: '{{consumer}} {{dependency}}',
                instant: true,
              },
            ],
          },
          {
            title: 'Firing alerts',
            description: 'Alerts about the alert service that Prometheus is sending to Alertmanager now.',
            kind: 'table',
            w: 6,
            h: 5,
            queries: [
              {
                expr: 'sum by (alertname, severity) (ALERTS{alertstate="firing", service="alerts"} or ALERTS{alertstate="firing", job="alerts"})',
                instant: true,
              },
            ],
          },
        ],
      ],
      [
        'Detection',
        [
          {
            title: 'Mentions per second: written and tallied',
            description:
              'Aspect mentions the processor wrote and the alert service tallied (alert: none tallied or evaluated while they arrive).',
            unit: 'ops',
            queries: [{ expr: 'absa:stage_mentions:rate5m', legend: '{{stage}}' }],
          },
          {
            title: 'Messages per loop',
            description:
              'Messages each loop committed: mentions (alerts-tally), tallies (alerts-detect), alerts (alerts-delivery).',
            unit: 'ops',
            queries: [{ expr: 'absa:alerts_loop_messages:rate5m', legend: '{{consumer}}' }],
          },
          {
            title: 'Alerts raised per hour',
            description:
              'Live (not historical) alert records opened or resolved in the last hour, by rule and severity.',
            queries: [{ expr: 'absa:alerts_raised:increase1h', legend: '{{rule}} {{severity}} {{status}}' }],
          },
          {
            title: 'Late and expired mentions',
            description:
              'Mentions for a window already evaluated (they count in later baselines), and mentions older than the retention (dropped).',
            unit: 'ops',
            queries: [
              { expr: rate('absa_alerts_late_mentions_total'), legend: 'late' },
              { expr: rate('absa_alerts_expired_mentions_total'), legend: 'expired' },
            ],
          },
        ],
      ],
      [
        'Webhook delivery',
        [
          {
            title: 'Webhook attempts by outcome',
            description: 'Delivered, failed (retried with backoff) and dead-lettered (given up) attempts.',
            unit: 'ops',
            w: 8,
            queries: [{ expr: 'absa:alert_deliveries:rate5m', legend: '{{outcome}}' }],
          },
          {
            title: 'Failed share (30 min)',
            description:
              'Share of webhook attempts that failed over 30 minutes (alert: over half for 10 min).',
            unit: 'percentunit',
            w: 8,
            queries: [{ expr: 'absa:alert_deliveries_failed:ratio_rate30m', legend: 'failed' }],
          },
          {
            title: 'Webhook attempt time',
            description: 'Time of one webhook request, response included (p50 and p99).',
            unit: 's',
            w: 8,
            queries: [
              { expr: quantile(0.5, 'absa_alerts_delivery_duration_seconds'), legend: 'p50' },
              { expr: 'absa:alert_delivery_duration_seconds:p99_5m', legend: 'p99' },
            ],
          },
          {
            title: 'Dead letters (5 min)',
            description:
              'Messages the alert service sent to a dead-letter topic, by error class (WebhookDeliveryError: an undelivered alert).',
            w: 24,
            queries: [{ expr: 'absa:dead_letters:increase5m{service="alerts"}', legend: '{{error_class}}' }],
          },
        ],
      ],
      [
        'Lag and state',
        [
          {
            title: 'Lag by loop',
            description: 'Messages behind the end of each loop’s input topic, summed over partitions.',
            w: 8,
            queries: [
              {
                expr: 'sum by (consumer) (absa_consumer_lag_messages{service="alerts"})',
                legend: '{{consumer}}',
              },
            ],
          },
          {
            title: 'Transaction time by loop',
            description: 'From decoding a chunk to its committed transaction or offset (p99).',
            unit: 's',
            w: 8,
            queries: [
              {
                expr: quantile(
                  0.99,
                  'absa_consumer_chunk_duration_seconds',
                  '{service="alerts"}',
                  'consumer',
                ),
                legend: '{{consumer}}',
              },
            ],
          },
          {
            title: 'Entities in window state',
            description: 'Entities with window state, per tallies partition.',
            w: 8,
            queries: [
              { expr: 'sum by (partition) (absa_alerts_state_entities)', legend: 'partition {{partition}}' },
            ],
          },
          {
            title: 'Windows open',
            description:
              'Entity-hours with mentions not yet closed and evaluated, per tallies partition (within the allowed lateness, or waiting for a quiet entity’s idle close).',
            queries: [
              { expr: 'sum by (partition) (absa_alerts_windows_open)', legend: 'partition {{partition}}' },
            ],
          },
          {
            title: 'Window state records',
            description:
              'Keys of the window state in its changelog, per tallies partition: memory and restore time grow with it.',
            queries: [
              { expr: 'sum by (partition) (absa_alerts_state_records)', legend: 'partition {{partition}}' },
            ],
          },
          {
            title: 'State restores',
            description:
              'Restores of a partition’s window state from the changelog in the last hour (after an assignment), and the slowest.',
            w: 24,
            queries: [
              {
                expr: 'sum(increase(absa_alerts_state_restore_duration_seconds_count[1h]))',
                legend: 'restores',
              },
              {
                expr: 'histogram_quantile(0.99, sum by (le) (increase(absa_alerts_state_restore_duration_seconds_bucket[1h])))',
                legend: 'p99 seconds',
              },
            ],
          },
        ],
      ],
    ],
  );
  return [pipeline, model, api, sinks, alerts];
}

export const DASHBOARD_DIR = path.join(import.meta.dirname, 'dashboards');

export function dashboardFile(d: DashboardJson): string {
  return path.join(DASHBOARD_DIR, `${d.uid}.json`);
}

export function renderDashboard(d: DashboardJson): string {
  return `${JSON.stringify(d, null, 2)}\n`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  mkdirSync(DASHBOARD_DIR, { recursive: true });
  for (const d of dashboards()) {
    writeFileSync(dashboardFile(d), renderDashboard(d));
    console.log(`wrote ${path.relative(process.cwd(), dashboardFile(d))}`);
  }
}
